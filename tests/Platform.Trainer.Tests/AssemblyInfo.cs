// Two collections side by side: each test's trainers run one libtorch thread, and most of a test is waiting (leases,
// process starts, the broker), so two at a time use the two cores rather than fight over them.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
