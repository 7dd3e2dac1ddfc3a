using Platform.Imaging.Data;
using Platform.Imaging.Formats.Data;
using Platform.Imaging.Transforms;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using TorchSharp;

namespace Platform.Training.Tests;

/// <summary><c>monitoring.misclassifiedExamples</c>: the final evaluation keeps the validation images the model is most confidently wrong about.</summary>
public sealed class MisclassifiedExamplesTests
{
    private static TrainingConfig SmallRun(int misclassified, int epochs = 2) => new()
    {
        Architecture = "small_cnn",
        InputChannels = 1,
        ImageSize = 28,
        Epochs = epochs,
        BatchSize = 16,
        Lr = 3e-3,
        Augmentation = new AugmentationOptions(AugmentationPreset.None),
        Monitoring = new MonitoringOptions(BlockFigures: false, MisclassifiedExamples: misclassified),
        Doctor = new DoctorOptions(Enabled: false),
        Threads = 1,
        LoaderWorkers = 1,
        Seed = 5,
    };

    [Fact]
    public void The_report_keeps_exactly_the_most_confident_wrong_predictions_of_the_final_model_most_confident_first()
    {
        // 2 epochs on 64 images: a weak model, so many of the 96 validation images are wrong and the limit of 5 bounds the gallery.
        var config = SmallRun(misclassified: 5);
        var validation = FashionMnist.Slice(FashionMnist.Train, 50_000, 96);
        using var result = new Trainer(config).Run(FashionMnist.Slice(FashionMnist.Train, 0, 64), validation);

        // Recomputed independently from the returned model (the weights the final evaluation judged), image by image.
        var wrong = Predictions(result.Model, config, validation)
            .Where(p => p.Predicted != p.Label)
            .OrderByDescending(p => p.Confidence).ThenBy(p => p.Index).ToList();
        Assert.True(wrong.Count > 5, $"only {wrong.Count} wrong predictions: the limit would not bound anything");
        var kept = result.Report.Misclassified;

        Assert.Equal(wrong.Count, result.Report.MisclassifiedTotal);
        Assert.Equal(wrong.Take(5).Select(p => p.Index), kept.Select(k => k.SampleIndex));
        Assert.All(kept.Zip(wrong), pair =>
        {
            var (example, expected) = pair;
            Assert.Equal(expected.Label, example.TrueClass);
            Assert.Equal(validation.GetLabel(example.SampleIndex), example.TrueClass);
            Assert.Equal(expected.Predicted, example.PredictedClass);
            Assert.Equal(expected.Confidence, example.Confidence, 1e-5);
            Assert.Equal(expected.Top3, example.TopClasses);
            Assert.Equal(example.PredictedClass, example.TopClasses[0]);
            Assert.Equal(example.Confidence, example.TopProbabilities[0]);
            Assert.True(example.TopProbabilities.Zip(example.TopProbabilities.Skip(1)).All(p => p.First >= p.Second), "top three in falling order");
        });
        Assert.True(kept.Zip(kept.Skip(1)).All(p => p.First.Confidence >= p.Second.Confidence), "most confident first");
    }

    [Fact]
    public void Zero_keeps_no_examples()
    {
        using var result = new Trainer(SmallRun(misclassified: 0, epochs: 1))
            .Run(FashionMnist.Slice(FashionMnist.Train, 0, 32), FashionMnist.Slice(FashionMnist.Train, 50_000, 32));

        Assert.Empty(result.Report.Misclassified);
        Assert.Equal(0, result.Report.MisclassifiedTotal);
        Assert.True(result.Report.Accuracy < 1, "some image was wrong, so an empty gallery means none was kept");
    }

    [Fact]
    public void The_ranking_keeps_the_limit_most_confident_mistakes_ignores_correct_predictions_and_breaks_ties_by_the_earlier_image()
    {
        var ranking = new MisclassifiedRanking(3);
        MisclassifiedPrediction Prediction(int index, int truth, int predicted, double confidence) =>
            new(index, truth, predicted, confidence, [predicted], [confidence]);

        ranking.Offer(Prediction(0, 1, 1, 0.99)); // correct: not a mistake however confident
        ranking.Offer(Prediction(1, 0, 2, 0.40));
        ranking.Offer(Prediction(2, 0, 1, 0.90));
        ranking.Offer(Prediction(3, 2, 0, 0.60));
        ranking.Offer(Prediction(4, 1, 0, 0.60)); // ties with 3: the earlier image stays ahead
        ranking.Offer(Prediction(5, 1, 2, 0.50)); // below the three kept
        ranking.Offer(Prediction(6, 2, 1, 0.60)); // ties with the least kept (4), a later image: not kept

        Assert.Equal([2, 3, 4], ranking.MostConfident().Select(p => p.SampleIndex));
        Assert.Equal(6, ranking.Wrong);
        Assert.Empty(new MisclassifiedRanking(0).MostConfident());
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(100, true)]
    [InlineData(101, false)]
    public void The_configured_number_is_checked_against_its_range(int value, bool valid)
    {
        var violations = new TrainingConfig { Monitoring = new MonitoringOptions(MisclassifiedExamples: value) }.Validate();

        Assert.Equal(valid, !violations.Any(v => v.Field == "monitoring.misclassifiedExamples"));
        Assert.Equal(MonitoringOptions.DefaultMisclassifiedExamples, TrainingConfig.FromJson("""{ "monitoring": { "logEverySteps": 5 } }""").Monitoring.MisclassifiedExamples);
    }

    private sealed record Prediction(int Index, int Label, int Predicted, double Confidence, int[] Top3);

    /// <summary>Each image's prediction by <paramref name="model"/>, preprocessed as the engine evaluates (single view).</summary>
    private static List<Prediction> Predictions(Platform.Training.Models.ImageClassifier model, TrainingConfig config, ILabeledImageSource source)
    {
        var loader = new DataLoader(source, new TransformPipeline(AugmentationRecipes.Evaluation(config)), new SequentialSampler(source.Count),
            new LoaderOptions(7, Seed: 1, Workers: 1));
        var predictions = new List<Prediction>();
        model.eval();
        using var noGrad = torch.no_grad();
        foreach (var batch in loader.ReadEpoch(0))
        {
            using var scope = torch.NewDisposeScope();
            var logits = model.call(torch.tensor(batch.Pixels, batch.Shape)).data<float>().ToArray();
            int classes = logits.Length / batch.Count;
            for (int row = 0; row < batch.Count; row++)
            {
                // Softmax by its definition, in double: exp(z_c − max z) / Σ exp(z_j − max z).
                var z = logits.AsSpan(row * classes, classes).ToArray().Select(v => (double)v).ToArray();
                var max = z.Max();
                var e = z.Select(v => Math.Exp(v - max)).ToArray();
                var p = e.Select(v => v / e.Sum()).ToArray();
                var order = Enumerable.Range(0, classes).OrderByDescending(c => p[c]).ToArray();
                predictions.Add(new Prediction(batch.SampleIndices[row], (int)batch.Labels[row], order[0], p[order[0]], order[..3]));
            }
        }
        return predictions;
    }
}
