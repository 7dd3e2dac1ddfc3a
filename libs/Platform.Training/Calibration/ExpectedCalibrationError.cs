namespace Platform.Training.Calibration;

/// <summary>
/// Expected calibration error as Guo et al. (2017, §2) define it: the images' top-1 confidences binned into equal-width intervals of
/// [0, 1]; ECE = Σ_bins (|bin| / n) · |accuracy(bin) − confidence(bin)|. The bins are the reliability diagram's data.
/// </summary>
public static class ExpectedCalibrationError
{
    /// <summary>15 bins, the number Guo et al. report with.</summary>
    public const int DefaultBins = 15;

    public static (double Ece, IReadOnlyList<ReliabilityBin> Bins) Measure(ReadOnlySpan<float> logits, ReadOnlySpan<long> labels, int classes, double temperature,
        int bins = DefaultBins)
    {
        var counts = new long[bins];
        var correct = new long[bins];
        var confidence = new double[bins];
        for (var n = 0; n < labels.Length; n++)
        {
            var row = logits.Slice(n * classes, classes);
            var best = 0;
            double max = double.NegativeInfinity;
            for (var c = 0; c < classes; c++)
            {
                if (row[c] > max)
                {
                    (max, best) = (row[c], c);
                }
            }
            double sum = 0;
            foreach (var value in row)
            {
                sum += Math.Exp((value - max) / temperature);
            }
            var top = 1 / sum;
            // (lower, upper] intervals; a confidence of exactly 0 cannot occur (it is at least 1 / classes).
            var bin = Math.Clamp((int)Math.Ceiling(top * bins) - 1, 0, bins - 1);
            counts[bin]++;
            correct[bin] += best == labels[n] ? 1 : 0;
            confidence[bin] += top;
        }
        double ece = 0;
        var diagram = new ReliabilityBin[bins];
        for (var b = 0; b < bins; b++)
        {
            var accuracy = counts[b] == 0 ? 0 : (double)correct[b] / counts[b];
            var meanConfidence = counts[b] == 0 ? 0 : confidence[b] / counts[b];
            ece += (double)counts[b] / labels.Length * Math.Abs(accuracy - meanConfidence);
            diagram[b] = new ReliabilityBin((double)b / bins, (double)(b + 1) / bins, counts[b], accuracy, meanConfidence);
        }
        return (ece, diagram);
    }
}
