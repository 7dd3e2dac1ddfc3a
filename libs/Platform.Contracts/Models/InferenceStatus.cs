namespace Platform.Contracts.Models;

/// <summary>The inference service's <c>GET /status</c>: how it runs models, whether it is ready, and what it serves.</summary>
/// <param name="Provider">The execution provider sessions run on, lowercase: <c>cpu</c> or <c>cuda</c>.</param>
/// <param name="FallbackReason">Why CUDA was asked for but not used; null otherwise.</param>
/// <param name="IntraOpThreads">The service's intra-op threads: the shared pool's size when <paramref name="ThreadPool"/> is <c>shared</c>.</param>
/// <param name="Pending">Promotions not yet loaded.</param>
/// <param name="ThreadPool"><c>shared</c> when the service runs its sessions on one intra-op pool, <c>perSession</c> when each has its own.</param>
public sealed record InferenceStatus(string Provider, string? FallbackReason, string OnnxRuntimeVersion, int IntraOpThreads, bool Ready,
    IReadOnlyList<string> Pending, long WorkingSetBytes, IReadOnlyList<ServedModelStatus> Models, string ThreadPool = "perSession");
