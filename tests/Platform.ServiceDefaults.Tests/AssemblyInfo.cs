// Every test app here starts OpenTelemetry, whose listeners see every app's activities in the process: one at a time,
// so that a test's filter or recorder never acts on another test's requests.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
