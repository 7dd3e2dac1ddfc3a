using Platform.Contracts.Runs;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using Platform.Testing.TensorBoard;
using Platform.Training.Models;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

/// <summary>
/// The step-level points, per-block figures and the doctor on real Fashion-MNIST training: a healthy run reports its points
/// and no finding; a tiny training set without regularisation overfits; a skewed subset is imbalanced; a deep plain network
/// shows vanishing gradients; a far too high learning rate explodes.
/// </summary>
public sealed class TrainingDoctorRunTests
{
    private static TrainingConfig TinyRun(int epochs) => new()
    {
        Architecture = "small_cnn",
        InputChannels = 1,
        ImageSize = 28,
        Epochs = epochs,
        BatchSize = 32,
        Lr = 2e-3,
        Schedule = new ScheduleOptions(ScheduleKind.Cosine, WarmupSteps: 3),
        Augmentation = new AugmentationOptions(AugmentationPreset.None),
        Monitoring = new MonitoringOptions(LogEverySteps: 3),
        Threads = 1,
        LoaderWorkers = 1,
        Seed = 5,
    };

    /// <summary>Twelve Linear → Sigmoid blocks, no normalisation, no residuals: each sigmoid passes back at most a quarter of the gradient.</summary>
    private static ImageClassifier DeepPlainNetwork(int classes)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)> { ("flatten", nn.Flatten()) };
        for (int i = 1; i <= 12; i++)
        {
            layers.Add(($"block{i}", nn.Sequential(("fc", nn.Linear(i == 1 ? 28 * 28 : 64, 64)), ("act", nn.Sigmoid()))));
        }
        return new ImageClassifier("deep_plain", nn.Sequential(layers), 64, classes, dropout: 0);
    }

    private static (RecordingObserver Observer, TrainingResult Result) Train(TrainingConfig config, int images,
        Func<TrainingConfig, int, ImageClassifier>? model = null) =>
        Train(config, FashionMnist.Slice(FashionMnist.Train, 0, images), FashionMnist.Slice(FashionMnist.Train, 50_000, 64), model);

    private static (RecordingObserver Observer, TrainingResult Result) Train(TrainingConfig config, Platform.Imaging.Formats.Data.ILabeledImageSource train,
        Platform.Imaging.Formats.Data.ILabeledImageSource validation, Func<TrainingConfig, int, ImageClassifier>? model = null)
    {
        var observer = new RecordingObserver();
        var result = new Trainer(config, new TrainingRunOptions { Observer = observer, ModelFactory = model }).Run(train, validation);
        return (observer, result);
    }

    /// <summary>The first <paramref name="count"/> images of each class from <paramref name="skip"/> on.</summary>
    private static Platform.Imaging.Data.SubsetSource PerClass(int skip, params (int Label, int Count)[] classes) =>
        new(FashionMnist.Train, classes.SelectMany(c => Enumerable.Range(skip, 10_000).Where(i => FashionMnist.Train.GetLabel(i) == c.Label).Take(c.Count))
            .Order().ToArray());

    private static List<RunFinding> Findings(RecordingObserver observer) => observer.Events.OfType<FindingRaised>().Select(f => f.Finding).ToList();

    [Fact]
    public void AHealthyRunLogsStepPointsAndBlockFiguresAndRaisesNoFinding()
    {
        var tensorBoard = Path.Combine(Path.GetTempPath(), "platform-doctor-tb-" + Guid.NewGuid().ToString("N"));
        var observer = new RecordingObserver();
        var config = TinyRun(epochs: 2);
        using var result = new Trainer(config, new TrainingRunOptions { Observer = observer, TensorBoardDirectory = tensorBoard })
            .Run(FashionMnist.Slice(FashionMnist.Train, 0, 320), FashionMnist.Slice(FashionMnist.Train, 50_000, 64));
        var events = TensorBoardRecords.ReadDirectory(tensorBoard);
        Directory.Delete(tensorBoard, recursive: true);
        var scalars = TensorBoardRecords.Scalars(events);
        // The guide's tags per epoch, step points at their global steps, block figures per epoch.
        Assert.Equal([1L, 2], scalars["Loss/train"].Select(p => p.Step));
        foreach (var tag in new[] { "Loss/val", "Accuracy/train", "Accuracy/val", "GradientNorm/head", "WeightNorm/conv1", "UpdateRatio/head" })
        {
            Assert.Equal(2, scalars[tag].Count);
        }
        Assert.Equal([3L, 6, 9, 12, 15, 18], scalars["Step/train_loss"].Select(p => p.Step));
        Assert.Equal(observer.Events.OfType<EpochCompleted>().Select(e => (float)e.Metrics.ValidationAccuracy), scalars["Accuracy/val"].Select(p => p.Value));
        var points = observer.Events.OfType<StepLogged>().ToList();
        // 10 steps per epoch, a point every 3rd step, on one global-step axis across both epochs.
        Assert.Equal([3L, 6, 9, 12, 15, 18], points.Select(p => p.Step));
        Assert.Equal([1, 1, 1, 2, 2, 2], points.Select(p => p.Epoch));
        Assert.All(points, p => Assert.True(double.IsFinite(p.TrainLoss) && p.TrainLoss > 0 && p.GradientNorm > 0 && p.LearningRate > 0));
        Assert.Null(points[0].LossScale);

        var epochs = observer.Events.OfType<EpochCompleted>().Select(e => e.Metrics).ToList();
        var blocks = epochs[^1].Blocks!;
        Assert.Equal("head", blocks[^1].Block);
        Assert.Equal("conv1", blocks[0].Block);
        Assert.All(blocks, b =>
        {
            Assert.True(b.GradientNorm > 0 && b.WeightNorm > 0, $"{b.Block}: {b}");
            Assert.InRange(b.UpdateRatio!.Value, 1e-6, 1);
        });
        Assert.Empty(Findings(observer));

        // Histograms (HistogramProto) of every block's weights and gradients each epoch; the weights' sum of squares is
        // the block's squared weight norm the engine reports, and the buckets hold every parameter.
        var histograms = TensorBoardRecords.Histograms(events);
        var layout = BlockLayout.Of(result.Model);
        foreach (var block in layout.Blocks)
        {
            Assert.Equal([1L, 2], histograms["Weights/" + block].Select(h => h.Step));
            Assert.Equal([1L, 2], histograms["Gradients/" + block].Select(h => h.Step));
            var weights = histograms["Weights/" + block][^1].Histogram;
            long parameters = result.Model.parameters().Where((_, i) => layout.Blocks[layout.BlockOfParameter[i]] == block).Sum(p => p.numel());
            Assert.Equal(parameters, weights.Num);
            Assert.Equal(weights.Num, weights.Bucket.Sum());
            Assert.Equal(weights.Max, weights.BucketLimit[^1]);
            Assert.True(weights.BucketLimit.Zip(weights.BucketLimit.Skip(1)).All(p => p.First < p.Second) && weights.Min < weights.Max);
            double norm = blocks.Single(b => b.Block == block).WeightNorm;
            Assert.Equal(norm * norm, weights.SumSquares, norm * norm * 1e-4);
        }

        // The HParams plugin's session: the configuration's parameters at the start, success at the end, final figures as scalars.
        var start = Assert.Single(TensorBoardRecords.HParams(events, "_hparams_/session_start_info")).SessionStartInfo;
        Assert.Equal(config.Lr, start.Hparams["lr"].NumberValue, 12);
        Assert.Equal("small_cnn", start.Hparams["architecture"].StringValue);
        Assert.Equal(config.ToParameters().Count, start.Hparams.Count);
        var end = Assert.Single(TensorBoardRecords.HParams(events, "_hparams_/session_end_info")).SessionEndInfo;
        Assert.Equal(Platform.Testing.TensorBoardSchema.HParams.Status.Success, end.Status);
        Assert.True(end.EndTimeSecs >= start.StartTimeSecs);
        Assert.Equal((float)result.Report.Accuracy, Assert.Single(scalars["Final/accuracy"]).Value);
    }

    [Fact]
    public void ATinyTrainingSetWithoutRegularisationOverfitsAndWeightDecayIsTheFirstRemedy()
    {
        var config = TinyRun(epochs: 8) with { Dropout = 0, WeightDecay = 0, Lr = 3e-3, BatchSize = 16, Monitoring = new MonitoringOptions(BlockFigures: false) };
        var (observer, result) = Train(config, FashionMnist.Slice(FashionMnist.Train, 0, 48), FashionMnist.Slice(FashionMnist.Train, 50_000, 48));
        using var _ = result;
        var finding = Findings(observer).Last(f => f.Kind == FindingKinds.Overfitting);
        Assert.Equal(0.05, finding.Remedies[0].Changes["weightDecay"].GetDouble());
        Assert.Contains(finding.Remedies, r => r.Changes.ContainsKey("dropout"));
        Assert.Contains(finding.Evidence, e => e.Metric is "val_loss" or "train_accuracy");
    }

    [Fact]
    public void ASkewedSubsetLeavesTheSmallClassBehindAndIsClassImbalance()
    {
        // T-shirts and pullovers 10× as many as shirts, the class that looks like both.
        var train = PerClass(0, (0, 150), (2, 150), (6, 15));
        var validation = PerClass(50_000, (0, 24), (2, 24), (6, 24));
        var (observer, result) = Train(TinyRun(epochs: 1) with { Monitoring = new MonitoringOptions(BlockFigures: false) }, train, validation);
        using var _ = result;
        var finding = Findings(observer).Last(f => f.Kind == FindingKinds.ClassImbalance);
        Assert.Equal([150.0, 150, 15], finding.Evidence[0].Values);
        Assert.Contains("Shirt", finding.Summary);
        Assert.Equal("weightedCrossEntropy", finding.Remedies[0].Changes["loss.kind"].GetString());
    }

    [Fact]
    public void ADeepPlainNetworkWithoutNormalisationHasVanishingGradients()
    {
        var config = TinyRun(epochs: 1) with { Architecture = "small_cnn", Monitoring = new MonitoringOptions() };
        random.manual_seed(1);
        var (observer, result) = Train(config, images: 256, (_, classes) => DeepPlainNetwork(classes));
        using var _ = result;
        var finding = Assert.Single(Findings(observer), f => f.Kind == FindingKinds.VanishingGradients);
        Assert.Equal("block_grad_norm.block1", finding.Evidence[0].Metric);
        Assert.True(finding.Evidence[0].Values[0] < 1e-3 * finding.Evidence[^1].Values[0], finding.Summary);
        Assert.Equal("resnet18_small", finding.Remedies[0].Changes["architecture"].GetString());
        Assert.DoesNotContain(Findings(observer), f => f.Kind == FindingKinds.ExplodingGradients);
    }

    [Fact]
    public void AFarTooHighLearningRateExplodes()
    {
        var config = TinyRun(epochs: 1) with
        {
            Optimizer = new OptimizerOptions(OptimizerKind.Sgd, Momentum: 0.9),
            Lr = 10,
            Schedule = new ScheduleOptions(ScheduleKind.Constant),
            Monitoring = new MonitoringOptions(LogEverySteps: 1, BlockFigures: false),
        };
        var (observer, result) = Train(config, images: 320);
        using var _ = result;
        var findings = Findings(observer);
        var exploding = findings.Last(f => f.Kind == FindingKinds.ExplodingGradients);
        Assert.Equal("gradientClipNorm", exploding.Remedies[0].Changes.Keys.Single());
        Assert.Contains(exploding.Evidence, e => e.Metric == "step_grad_norm");
        Assert.DoesNotContain(findings, f => f.Kind == FindingKinds.VanishingGradients);
    }
}
