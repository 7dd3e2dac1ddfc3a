// One trainer and one inference service share two cores: the tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
