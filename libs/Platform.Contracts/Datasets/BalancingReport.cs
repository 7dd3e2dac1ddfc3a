namespace Platform.Contracts.Datasets;

/// <summary>What oversampling added to the train split, per class.</summary>
public sealed record BalancingReport(BalanceMethod Method, double TargetRatio, IReadOnlyDictionary<string, int> AddedPerClass);
