using static Platform.Contracts.Telemetry.TrainingTelemetryConventions;

namespace Platform.TensorBoard;

/// <summary>
/// The TensorBoard tag of each metric the Platform trainer reports (docs/tracking-conventions.md), in the guide's scheme:
/// <c>Loss/train</c>, <c>Loss/val</c>, <c>Accuracy/train</c>, <c>Accuracy/val</c>, the rest as <c>Quantity/which</c>, so
/// TensorBoard groups a quantity's curves in one section. The engine's event files and the tracker's export both use it:
/// a run's curves carry the same tags whichever wrote them. A metric the trainer does not report (another client's) keeps its name.
/// </summary>
public static class TensorBoardTags
{
    private static readonly Dictionary<string, string> ByMetric = new(StringComparer.Ordinal)
    {
        [MetricNames.TrainLoss] = "Loss/train",
        [MetricNames.ValidationLoss] = "Loss/val",
        [MetricNames.EmaValidationLoss] = "Loss/val_ema",
        [MetricNames.TrainAccuracy] = "Accuracy/train",
        [MetricNames.ValidationAccuracy] = "Accuracy/val",
        [MetricNames.EmaValidationAccuracy] = "Accuracy/val_ema",
        [MetricNames.TrainTop5Accuracy] = "Top5Accuracy/train",
        [MetricNames.ValidationTop5Accuracy] = "Top5Accuracy/val",
        [MetricNames.LearningRate] = "LearningRate/epoch",
        [MetricNames.GradientNorm] = "GradientNorm/global",
        [MetricNames.ImagesPerSecond] = "Throughput/images_per_second",
        [MetricNames.LossScale] = "LossScale/epoch",
        [MetricNames.StepTrainLoss] = "Step/train_loss",
        [MetricNames.StepLearningRate] = "Step/lr",
        [MetricNames.StepGradientNorm] = "Step/grad_norm",
        [MetricNames.StepLossScale] = "Step/loss_scale",
    };

    private static readonly (string Prefix, string Section)[] BlockPrefixes =
    [
        (MetricNames.BlockGradientNormPrefix, "GradientNorm/"),
        (MetricNames.BlockWeightNormPrefix, "WeightNorm/"),
        (MetricNames.BlockUpdateRatioPrefix, "UpdateRatio/"),
        (MetricNames.DeviceImagesPerSecondPrefix, "Throughput/images_per_second_replica_"),
    ];

    /// <summary>The tag of a curve's metric: <c>val_loss</c> → <c>Loss/val</c>, <c>block_grad_norm.layer1</c> → <c>GradientNorm/layer1</c>.</summary>
    public static string For(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (ByMetric.TryGetValue(metric, out var tag))
        {
            return tag;
        }

        foreach (var (prefix, section) in BlockPrefixes)
        {
            if (metric.Length > prefix.Length && metric.StartsWith(prefix, StringComparison.Ordinal))
            {
                return section + metric[prefix.Length..];
            }
        }

        return metric;
    }

    /// <summary>A final figure of the run (<c>accuracy</c>, <c>macro_f1</c>, …), written once at the end: the HParams dashboard's metric columns.</summary>
    public static string Final(string metric) => "Final/" + metric;

    /// <summary>Histogram of a top-level block's weights.</summary>
    public static string Weights(string block) => "Weights/" + block;

    /// <summary>Histogram of a top-level block's gradients (the epoch's last optimizer step).</summary>
    public static string Gradients(string block) => "Gradients/" + block;
}
