using Platform.Imaging.Data;
using Platform.Imaging.Transforms;
using Platform.Training.Calibration;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using TorchSharp;

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
    public void A_model_overtrained_without_label_smoothing_is_overconfident_and_its_fitted_temperature_lowers_the_error_on_held_out_images()
    {
        // Real over-confidence, as Guo et al. 2017 §3 describe it: 64 Fashion-MNIST images, 15 epochs (60 steps), no label smoothing,
        // weight decay or dropout. The trainer fits the temperature on its validation split; the error is judged on other images.
        var config = new TrainingConfig
        {
            Architecture = "small_cnn",
            InputChannels = 1,
            ImageSize = 28,
            Epochs = 15,
            BatchSize = 16,
            Lr = 3e-3,
            WeightDecay = 0,
            Dropout = 0,
            Loss = new LossOptions(LabelSmoothing: 0),
            Augmentation = new AugmentationOptions(AugmentationPreset.None),
            Monitoring = new MonitoringOptions(BlockFigures: false),
            Doctor = new DoctorOptions(Enabled: false),
            Threads = 1,
            LoaderWorkers = 1,
            Seed = 3,
        };
        using var result = new Trainer(config).Run(FashionMnist.Slice(FashionMnist.Train, 0, 64), FashionMnist.Slice(FashionMnist.Train, 50_000, 96));
        var fitted = result.Report.Calibration!;
        var (logits, labels) = Logits(result.Model, config, FashionMnist.Slice(FashionMnist.Train, 55_000, 320));

        var (heldOutBefore, _) = ExpectedCalibrationError.Measure(logits, labels, 10, 1);
        var (heldOutAfter, _) = ExpectedCalibrationError.Measure(logits, labels, 10, fitted.Temperature);

        Assert.True(result.Report.History[^1].TrainAccuracy > 0.99, $"train accuracy {result.Report.History[^1].TrainAccuracy:P1}: not over-trained");
        Assert.True(fitted.Temperature > 1.5, $"temperature {fitted.Temperature:F2}: an over-confident model needs T > 1");
        Assert.True(heldOutBefore > 0.1, $"held-out ECE {heldOutBefore:F3} before scaling");
        Assert.True(heldOutAfter < heldOutBefore / 2, $"held-out ECE {heldOutBefore:F3} → {heldOutAfter:F3}");
    }

    /// <summary>The model's logits on <paramref name="source"/>, preprocessed as the engine evaluates (row-major [images, classes]).</summary>
    private static (float[] Logits, long[] Labels) Logits(Platform.Training.Models.ImageClassifier model, TrainingConfig config, Platform.Imaging.Formats.Data.ILabeledImageSource source)
    {
        var loader = new DataLoader(source, new TransformPipeline(AugmentationRecipes.Evaluation(config)), new SequentialSampler(source.Count),
            new LoaderOptions(64, Seed: 1, Workers: 1));
        var logits = new List<float>();
        var labels = new List<long>();
        model.eval();
        using var noGrad = torch.no_grad();
        foreach (var batch in loader.ReadEpoch(0))
        {
            using var scope = torch.NewDisposeScope();
            logits.AddRange(model.call(torch.tensor(batch.Pixels, batch.Shape)).data<float>().ToArray());
            labels.AddRange(batch.Labels);
        }
        return ([.. logits], [.. labels]);
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
