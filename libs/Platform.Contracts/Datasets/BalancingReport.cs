namespace Platform.Contracts.Datasets;

/// <summary>What balancing did to the train split, per class: augmented copies added (oversampling) or images left out (undersampling).</summary>
public sealed record BalancingReport(BalanceMethod Method, double TargetRatio, IReadOnlyDictionary<string, int> AddedPerClass,
    IReadOnlyDictionary<string, int>? RemovedPerClass = null);
