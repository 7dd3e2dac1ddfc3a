namespace Platform.Training.Configuration;

/// <param name="Enabled">The trainer service also writes the run's TensorBoard event files (the engine's: scalars under the
/// guide's tags, weight and gradient histograms per block, the HParams session) and stores them with the run in blob storage
/// (<c>runs/&lt;run&gt;/tensorboard/</c>) when each attempt ends; <c>GET /runs/{id}/tensorboard</c> then serves them.</param>
public sealed record TensorBoardOptions(bool Enabled = false);
