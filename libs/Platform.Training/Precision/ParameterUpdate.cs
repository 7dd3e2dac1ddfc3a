namespace Platform.Training.Precision;

/// <summary>One optimizer step's ‖Δw‖ and the weights' ‖w‖ after it, per master parameter (in <see cref="TrainingStepper.Parameters"/> order).</summary>
public sealed record ParameterUpdate(float[] UpdateNorms, float[] WeightNorms);
