// Each AppHost starts a dozen processes; on two cores, suites running side by side only slow each other down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
