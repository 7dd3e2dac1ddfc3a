using static Platform.Contracts.Telemetry.TrainingTelemetryConventions;

namespace Platform.Training.Engine;

/// <summary>
/// An epoch's and a step point's figures under the metric names of the tracking conventions (<see cref="MetricNames"/>):
/// what the trainer's telemetry reports and the engine's TensorBoard log writes (under <c>Platform.TensorBoard.TensorBoardTags</c>).
/// </summary>
public static class MetricValues
{
    /// <summary>A step-level point's metrics; a non-finite loss or norm is left out (OpenTelemetry numbers must be finite to compare).</summary>
    public static IEnumerable<(string Name, double Value)> Of(StepLogged point)
    {
        if (double.IsFinite(point.TrainLoss))
        {
            yield return (MetricNames.StepTrainLoss, point.TrainLoss);
        }
        yield return (MetricNames.StepLearningRate, point.LearningRate);
        if (double.IsFinite(point.GradientNorm))
        {
            yield return (MetricNames.StepGradientNorm, point.GradientNorm);
        }
        if (point.LossScale is { } scale)
        {
            yield return (MetricNames.StepLossScale, scale);
        }
    }

    /// <summary>An epoch's metrics; a non-finite per-block figure is left out.</summary>
    public static IEnumerable<(string Name, double Value)> Of(EpochMetrics metrics)
    {
        yield return (MetricNames.TrainLoss, metrics.TrainLoss);
        yield return (MetricNames.TrainAccuracy, metrics.TrainAccuracy);
        yield return (MetricNames.ValidationLoss, metrics.ValidationLoss);
        yield return (MetricNames.ValidationAccuracy, metrics.ValidationAccuracy);
        if (metrics.TrainTop5Accuracy is { } trainTop5)
        {
            yield return (MetricNames.TrainTop5Accuracy, trainTop5);
        }
        if (metrics.ValidationTop5Accuracy is { } validationTop5)
        {
            yield return (MetricNames.ValidationTop5Accuracy, validationTop5);
        }
        yield return (MetricNames.LearningRate, metrics.LearningRate);
        yield return (MetricNames.GradientNorm, metrics.GradientNorm);
        yield return (MetricNames.ImagesPerSecond, metrics.ImagesPerSecond);
        if (metrics.DeviceImagesPerSecond is { Count: > 1 } perDevice)
        {
            for (int i = 0; i < perDevice.Count; i++)
            {
                yield return (MetricNames.DeviceImagesPerSecondPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture), perDevice[i]);
            }
        }
        if (metrics.LossScale is { } scale)
        {
            yield return (MetricNames.LossScale, scale);
        }
        if (metrics.EmaValidationLoss is { } emaLoss)
        {
            yield return (MetricNames.EmaValidationLoss, emaLoss);
        }
        if (metrics.EmaValidationAccuracy is { } emaAccuracy)
        {
            yield return (MetricNames.EmaValidationAccuracy, emaAccuracy);
        }
        foreach (var block in metrics.Blocks ?? [])
        {
            if (block.GradientNorm is { } gradientNorm && double.IsFinite(gradientNorm))
            {
                yield return (MetricNames.BlockGradientNormPrefix + block.Block, gradientNorm);
            }
            if (double.IsFinite(block.WeightNorm))
            {
                yield return (MetricNames.BlockWeightNormPrefix + block.Block, block.WeightNorm);
            }
            if (block.UpdateRatio is { } ratio && double.IsFinite(ratio))
            {
                yield return (MetricNames.BlockUpdateRatioPrefix + block.Block, ratio);
            }
        }
    }
}
