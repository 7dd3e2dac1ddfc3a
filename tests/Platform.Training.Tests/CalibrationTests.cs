using Platform.Training.Calibration;

namespace Platform.Training.Tests;

public sealed class CalibrationTests
{
    [Fact]
    public void Expected_calibration_error_matches_the_definition_on_a_hand_computed_example()
    {
        // Two images, two classes. Image 0: logits (ln 3, 0) → confidence 0.75 on class 0, correct. Image 1: logits (0, ln 17/3) →
        // confidence 0.85 on class 1, wrong. With 10 bins: |1 − 0.75| · ½ + |0 − 0.85| · ½ = 0.55.
        float[] logits = [MathF.Log(3), 0, 0, MathF.Log(17f / 3)];
        long[] labels = [0, 0];

        var (ece, bins) = ExpectedCalibrationError.Measure(logits, labels, classes: 2, temperature: 1, bins: 10);

        Assert.Equal(0.55, ece, 1e-6);
        Assert.Equal(1, bins[7].Count);
        Assert.Equal((1.0, 0.75), (bins[7].Accuracy, bins[7].Confidence), new ToleranceComparer(1e-6));
        Assert.Equal((0.0, 0.85), (bins[8].Accuracy, bins[8].Confidence), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void Temperature_scaling_recovers_the_overconfidence_and_lowers_the_error_on_held_out_images()
    {
        // Labels drawn from softmax(z), so z is calibrated by construction; the "network" reports 3·z, an over-confident model
        // (what long training without label smoothing does, Guo et al. 2017 §3). Fitted on one half, judged on the other.
        var random = new Random(17);
        const int classes = 10, images = 6000;
        var logits = new float[images * classes];
        var labels = new long[images];
        for (var n = 0; n < images; n++)
        {
            var z = Enumerable.Range(0, classes).Select(_ => random.NextDouble() * 4 - 2).ToArray();
            z[random.Next(classes)] += 2.5;
            var p = z.Select(Math.Exp).ToArray();
            var u = random.NextDouble() * p.Sum();
            var label = 0;
            for (var cumulative = p[0]; cumulative < u; cumulative += p[++label])
            {
            }
            labels[n] = label;
            for (var c = 0; c < classes; c++)
            {
                logits[n * classes + c] = (float)(3 * z[c]);
            }
        }
        var half = images / 2 * classes;

        var fitted = TemperatureScaling.Fit(logits.AsSpan(0, half), labels.AsSpan(0, images / 2), classes);
        var (heldOutBefore, _) = ExpectedCalibrationError.Measure(logits.AsSpan(half), labels.AsSpan(images / 2), classes, 1);
        var (heldOutAfter, _) = ExpectedCalibrationError.Measure(logits.AsSpan(half), labels.AsSpan(images / 2), classes, fitted.Temperature);

        Assert.InRange(fitted.Temperature, 2.7, 3.3);
        Assert.True(fitted.EceAfter < fitted.EceBefore / 3, $"validation ECE {fitted.EceBefore:F4} → {fitted.EceAfter:F4}");
        Assert.True(heldOutAfter < heldOutBefore / 3 && heldOutAfter < 0.03, $"held-out ECE {heldOutBefore:F4} → {heldOutAfter:F4}");
        Assert.True(fitted.NllAfter < fitted.NllBefore);
    }

    [Fact]
    public void The_fitted_temperature_minimises_the_negative_log_likelihood()
    {
        var random = new Random(3);
        var logits = Enumerable.Range(0, 500 * 4).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        var labels = Enumerable.Range(0, 500).Select(n => (long)Array.IndexOf(logits, logits.Skip(n * 4).Take(4).Max(), n * 4) % 4).ToArray();
        // Half the labels flipped: the arg max is right only about half the time, so the best temperature is above 1.
        for (var n = 0; n < labels.Length; n += 2)
        {
            labels[n] = (labels[n] + 1) % 4;
        }

        var t = TemperatureScaling.FitTemperature(logits, labels, 4);

        var best = TemperatureScaling.NegativeLogLikelihood(logits, labels, 4, 1 / t);
        Assert.True(t > 1);
        Assert.All(new[] { 0.9, 0.97, 1.03, 1.1 }, factor => Assert.True(TemperatureScaling.NegativeLogLikelihood(logits, labels, 4, 1 / (t * factor)) >= best - 1e-12));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<(double, double)>
    {
        public bool Equals((double, double) x, (double, double) y) => Math.Abs(x.Item1 - y.Item1) <= tolerance && Math.Abs(x.Item2 - y.Item2) <= tolerance;

        public int GetHashCode((double, double) obj) => 0;
    }
}
