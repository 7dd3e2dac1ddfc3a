namespace Platform.Contracts.Models;

/// <summary>One loaded model version: its queue and how its batches run.</summary>
/// <param name="Background">Loaded only as a shadow: it runs at idle priority on spare cores, one batch and one thread at a time.</param>
/// <param name="Spinning">Whether its session's idle intra-op threads spin-wait (not for a split's minor share with a pool of its own, nor a shadow).</param>
/// <param name="ThreadPool">Where its intra-op threads come from: <c>shared</c> (the service's one pool) or <c>perSession</c> (its own).</param>
public sealed record ServedVersionStatus(int Version, Guid RunId, int QueueDepth, IReadOnlyList<string> Labels, IReadOnlyList<long> InputShape,
    int ConcurrentBatches, int IntraOpThreads, bool Background = false, bool Spinning = true, string ThreadPool = "perSession");
