namespace Platform.Contracts.Models;

/// <summary>One loaded model version: its queue and how its batches run.</summary>
public sealed record ServedVersionStatus(int Version, Guid RunId, int QueueDepth, IReadOnlyList<string> Labels, IReadOnlyList<long> InputShape,
    int ConcurrentBatches, int IntraOpThreads);
