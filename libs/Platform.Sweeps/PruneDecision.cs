namespace Platform.Sweeps;

/// <summary>A rule's decision: prune or go on, with the threshold the trial's score was compared to and among how many trials.</summary>
/// <param name="Threshold">The score the trial had to reach (ASHA's cutoff, the median); null when there was nothing to compare with.</param>
public sealed record PruneDecision(bool Prune, double? Threshold, int Compared);
