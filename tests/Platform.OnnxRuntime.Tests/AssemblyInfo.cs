// ONNX Runtime's environment is process-wide and the machine has 2 cores: the classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
