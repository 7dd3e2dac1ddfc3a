// libtorch's and ONNX Runtime's thread pools are process-wide and the machine has 2 cores: test classes running in
// parallel would only slow each other down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
