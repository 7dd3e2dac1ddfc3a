namespace Platform.Contracts.Runs;

/// <summary>A confusion matrix as the result event carries it: <c>{"labels": [...], "matrix": [[...], ...]}</c>, rows = true class.</summary>
public sealed record ConfusionMatrix(IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<long>> Matrix);
