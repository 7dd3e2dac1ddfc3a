namespace Platform.Training.Engine;

/// <summary>A step-level point, every <c>monitoring.logEverySteps</c> optimizer steps.</summary>
/// <param name="Step">Global optimizer step (1-based: the steps taken so far).</param>
/// <param name="Epoch">1-based epoch the step belongs to.</param>
/// <param name="TrainLoss">Mean training loss of the batches since the previous point.</param>
/// <param name="LearningRate">Head learning rate of this step.</param>
/// <param name="GradientNorm">This step's global gradient norm before clipping (inf/NaN on overflow).</param>
/// <param name="LossScale">Loss scale after this step; null without loss scaling.</param>
public sealed record StepLogged(long Step, int Epoch, double TrainLoss, double LearningRate, double GradientNorm, double? LossScale) : TrainingEvent;
