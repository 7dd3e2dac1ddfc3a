using Platform.Inference.Serving;
using Platform.OnnxRuntime;

namespace Platform.Inference.Apis;

public sealed record VersionStatus(int Version, Guid RunId, int QueueDepth, IReadOnlyList<string> Labels, IReadOnlyList<long> InputShape,
    int ConcurrentBatches, int IntraOpThreads);

public sealed record ModelStatus(string Name, IReadOnlyDictionary<string, int> Aliases, IReadOnlyDictionary<string, int> PreviousVersions, IReadOnlyList<VersionStatus> Versions);

public sealed record ServiceStatus(string Provider, string? FallbackReason, string OnnxRuntimeVersion, int IntraOpThreads, bool Ready,
    IReadOnlyList<string> Pending, long WorkingSetBytes, IReadOnlyList<ModelStatus> Models);

public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status", GetStatus).WithTags("Status").WithName("GetStatus")
            .WithSummary("Execution provider (and why not CUDA), threads, readiness, memory, and per model its aliases, loaded versions, queue depths and how they run");
        return app;
    }

    public static ServiceStatus GetStatus(OnnxSessionFactory sessions, ModelRegistry registry)
    {
        var pending = registry.PendingPromotions();
        var models = registry.Models.OrderBy(m => m.Name).Select(model => new ModelStatus(
            model.Name,
            model.Aliases.ToDictionary(a => a.Key, a => a.Value.Version),
            model.PreviousVersions,
            [.. model.Versions.Values.OrderBy(v => v.Version).Select(v => new VersionStatus(v.Version, v.RunId, v.Scheduler.QueueDepth, v.Labels, v.ImageShape,
                v.Scheduler.Execution.ConcurrentBatches, v.Scheduler.Execution.IntraOpThreads))])).ToList();
        return new ServiceStatus(sessions.Provider.ToString(), sessions.FallbackReason, OnnxSessionFactory.RuntimeVersion, sessions.Options.ResolvedIntraOpThreads,
            registry.StartupComplete && pending.Count == 0, pending, Environment.WorkingSet, models);
    }
}
