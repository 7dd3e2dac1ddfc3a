// The suite started as a user starts it (AppHostProcessTests) and the suite the other tests share (SuiteFixture) start
// side by side: each start waits on health checks and process boots more than it computes. Nothing else runs beside them.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
