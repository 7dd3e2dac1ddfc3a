namespace Platform.Training.Checkpoints;

/// <summary>
/// The part of an epoch a mid-epoch checkpoint was written in (<c>checkpoint.everySteps</c>): where the epoch's sampler order
/// stands and the epoch's training totals so far, so a resumed run continues the epoch at its first unseen sample, on any
/// replica count, and reports the epoch's figures as if it had not been interrupted.
/// </summary>
/// <param name="Epoch">The 1-based epoch in progress.</param>
/// <param name="SamplesConsumed">Positions [0, SamplesConsumed) of the epoch's sampler order have been trained on.</param>
/// <param name="EpochSamples">Positions the epoch trains on in all, fixed when it started (the loader's samples per epoch at the
/// global batch it started with); a resumed epoch ends there whatever its global batch is now.</param>
/// <param name="LossSum">Training loss × batch size summed over the epoch's batches so far.</param>
/// <param name="Correct">Top-1 hits so far.</param>
/// <param name="CorrectTop5">Top-5 hits so far (0 with five classes or fewer).</param>
/// <param name="GradientNormSum">Sum of the finite steps' gradient norms before clipping.</param>
/// <param name="FiniteSteps">Steps with a finite gradient norm that were not skipped.</param>
/// <param name="TrainSeconds">Wall time of the epoch's training so far (the resumed attempt adds its own).</param>
/// <param name="LossSinceLog">Sum of batch losses since the last step-level point, with <paramref name="BatchesSinceLog"/>.</param>
/// <param name="TorchRandomState">The CPU generator's state (base64), so dropout and drop path continue their draws; null when not saved.</param>
public sealed record PartialEpoch(
    int Epoch,
    int SamplesConsumed,
    int EpochSamples,
    double LossSum,
    long Correct,
    long CorrectTop5,
    double GradientNormSum,
    double MaxGradientNorm,
    int FiniteSteps,
    int SkippedSteps,
    int NonFiniteSteps,
    double TrainSeconds,
    double LossSinceLog,
    int BatchesSinceLog,
    BlockSums? Blocks,
    string? TorchRandomState);
