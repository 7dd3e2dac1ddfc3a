using Platform.Contracts;
using Platform.Contracts.Models;
using Platform.Inference.Serving;
using Platform.OnnxRuntime;

namespace Platform.Inference.Apis;

public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status", GetStatus).WithTags("Status").WithName("GetStatus")
            .WithSummary("Execution provider (and why not CUDA), threads, readiness, memory, and per model its aliases, routes, shadow agreement, loaded versions, queue depths and how they run");
        return app;
    }

    public static InferenceStatus GetStatus(OnnxSessionFactory sessions, ModelRegistry registry, ShadowMirror shadows)
    {
        var pending = registry.PendingPromotions();
        var models = registry.Models.OrderBy(m => m.Name).Select(model => new ServedModelStatus(
            model.Name,
            model.Aliases.ToDictionary(a => a.Key, a => a.Value.Version),
            model.PreviousVersions,
            [.. model.Versions.Values.OrderBy(v => v.Version).Select(v => new ServedVersionStatus(v.Version, v.RunId, v.Scheduler.QueueDepth, v.Labels, v.ImageShape,
                v.Scheduler.Execution.ConcurrentBatches, v.Scheduler.Execution.IntraOpThreads, v.Scheduler.Execution.Background, v.Scheduler.Execution.Spinning,
                WireNames.Of(v.Scheduler.Execution.ThreadPool)))],
            model.Aliases.ToDictionary(a => a.Key, a => new AliasRoute([.. a.Value.Shares().Select(s => new VersionWeight(s.Version, s.Weight))], a.Value.Shadow?.Version)),
            shadows.Agreements(model))).ToList();
        return new InferenceStatus(WireNames.Of(sessions.Provider), sessions.FallbackReason, OnnxSessionFactory.RuntimeVersion, sessions.Options.ResolvedIntraOpThreads,
            registry.StartupComplete && pending.Count == 0, pending, Environment.WorkingSet, models, WireNames.Of(sessions.Options.ThreadPool));
    }
}
