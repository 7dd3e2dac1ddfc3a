// Training tests measure throughput, memory and thread-dependent determinism, and libtorch's thread count is
// process-wide: running test classes in parallel on a 2-core machine would make all of them flaky.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
