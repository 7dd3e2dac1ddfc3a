// The integration tests share one set of servers and one tracker process; on two cores they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
