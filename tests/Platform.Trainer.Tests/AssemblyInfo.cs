// Trainers are CPU-bound; on two cores the tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
