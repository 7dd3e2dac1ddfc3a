using System.IO.Compression;
using Platform.Imaging.Formats.Data;
using Platform.Training.Checkpoints;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using Platform.Training.Optimization;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

public sealed class ModelEmaTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("ema-tests-").FullName;

    [Fact]
    public void Update_IsDecayTimesAveragePlusOneMinusDecayTimesWeights_WithWarmup()
    {
        using var source = TestModels.Tiny(seed: 1);
        using var average = TestModels.Tiny(seed: 2);
        using var ema = new ModelEma(source, average, new EmaOptions(Decay: 0.9, Warmup: true));
        var conv = "backbone.conv.weight";
        var start = source.state_dict()[conv].clone();
        Assert.True(average.state_dict()[conv].allclose(start));

        SetAll(source, 2f);
        ema.Update();   // t = 0: d = min(0.9, 1/10) = 0.1
        var afterFirst = start * 0.1 + 2f * 0.9;
        Assert.True(average.state_dict()[conv].allclose(afterFirst, rtol: 0, atol: 1e-6));

        SetAll(source, -1f);
        ema.Update();   // t = 1: d = min(0.9, 2/11)
        double d = 2.0 / 11;
        Assert.True(average.state_dict()[conv].allclose(afterFirst * d + (1 - d) * -1f, rtol: 0, atol: 1e-6));
        Assert.Equal(2, ema.Updates);
        Assert.Equal(Math.Min(0.9, 3.0 / 12), ema.NextDecay, 12);
        // Integer buffers (batch norm's step count) are copied, not averaged.
        Assert.Equal(source.state_dict()["backbone.bn.num_batches_tracked"].item<long>(), average.state_dict()["backbone.bn.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void WithoutWarmup_TheDecayIsConstant()
    {
        using var source = TestModels.Tiny(seed: 1);
        using var ema = new ModelEma(source, TestModels.Tiny(seed: 2), new EmaOptions(Decay: 0.99, Warmup: false));

        ema.Update();

        Assert.Equal(0.99, ema.NextDecay);
    }

    [Fact]
    public void Run_EvaluatesEmaBesideRawWeights_ExportsTheBestEpoch_AndCheckpointsTheAverage()
    {
        var config = new TrainingConfig
        {
            Architecture = "small_cnn",
            InputChannels = 1,
            ImageSize = 28,
            Epochs = 3,
            BatchSize = 32,
            Lr = 2e-3,
            Augmentation = new AugmentationOptions(AugmentationPreset.None),
            Threads = 1,
            LoaderWorkers = 1,
            Seed = 5,
            Ema = new EmaOptions(Decay: 0.9),
            // Mixed batches (soft targets) for the first two epochs go through the same run.
            Mixup = new MixupOptions(OffEpochs: 1),
            Export = new ExportOptions(ExportWeights.Best),
        };
        var store = new LocalDirectoryCheckpointStore(Path.Combine(directory, "run"));
        var train = FashionMnist.Slice(FashionMnist.Train, 0, 192);
        var validation = FashionMnist.Slice(FashionMnist.Train, 50_000, 64);

        using var result = new Trainer(config, new TrainingRunOptions { CheckpointStore = store }).Run(train, validation);

        var report = result.Report;
        Assert.All(report.History, epoch => Assert.NotNull(epoch.EmaValidationAccuracy));
        var bestEpoch = report.History.Single(h => h.Epoch == report.BestEpoch);
        double bestOfEpoch = report.ExportedSource == WeightsSource.Ema ? bestEpoch.EmaValidationAccuracy!.Value : bestEpoch.ValidationAccuracy;
        Assert.Equal(ExportWeights.Best, report.ExportedWeights);
        Assert.Equal(report.BestEpoch, report.ExportedEpoch);
        Assert.Equal(report.History.Max(h => Math.Max(h.ValidationAccuracy, h.EmaValidationAccuracy!.Value)), bestOfEpoch);
        // The final report evaluates the exported weights, so it shows the best epoch's accuracy.
        Assert.Equal(bestOfEpoch, report.Accuracy, 9);

        using var checkpoint = store.OpenRead(CheckpointKeeper.EpochName(3))!;
        using var archive = new ZipArchive(checkpoint, ZipArchiveMode.Read);
        Assert.NotNull(archive.GetEntry(CheckpointFile.EmaEntry));
        checkpoint.Position = 0;
        Assert.Equal(report.Steps, CheckpointFile.ReadManifest(checkpoint).EmaUpdates);
    }

    [Fact]
    public void Config_RefusesEmaExportWithoutEma()
    {
        var violations = new TrainingConfig { Export = new ExportOptions(ExportWeights.Ema) }.Validate();

        Assert.Contains(violations, v => v.Field == "export.weights");
    }

    private static void SetAll(TorchSharp.torch.nn.Module model, float value)
    {
        using var _ = no_grad();
        foreach (var parameter in model.parameters())
        {
            parameter.fill_(value);
        }
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
