namespace Platform.Contracts.Sweeps;

/// <summary>The best completed trial by the objective, its model version and the alias it was promoted to (if the spec asked).</summary>
public sealed record SweepBest(int Trial, Guid RunId, double Objective, int? ModelVersion, string? PromotedAlias);
