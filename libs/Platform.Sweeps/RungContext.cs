namespace Platform.Sweeps;

/// <summary>What an early-stopping rule sees when a trial reaches a decision epoch. Scores are the objective with higher better.</summary>
/// <param name="Epoch">The epoch just finished (1-based).</param>
/// <param name="TrialScores">The trial's score after each epoch so far (index 0 is epoch 1).</param>
/// <param name="RecordedAtEpoch">The scores other trials recorded at this epoch's rung before this one arrived (ASHA's rung record).</param>
/// <param name="OtherTrials">Other trials' scores by epoch (the median rule's running means).</param>
public sealed record RungContext(int Epoch, IReadOnlyList<double> TrialScores, IReadOnlyList<double> RecordedAtEpoch,
    IReadOnlyList<IReadOnlyList<double>> OtherTrials);
