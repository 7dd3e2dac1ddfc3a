using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.Tracker.Upstreams;

/// <summary>What another service answered the tracker: the value, or the problem the tracker answers its own caller with.</summary>
public sealed record UpstreamAnswer<T>(T? Value, ProblemHttpResult? Problem) where T : class;
