using System.IO.Compression;
using System.Text.Json.Nodes;
using Platform.Imaging.Formats.Data;
using Platform.Training.Checkpoints;
using Platform.Training.Configuration;
using Platform.Training.Engine;

namespace Platform.Training.Tests;

/// <summary>
/// Runs killed abruptly after a mid-epoch checkpoint (<c>checkpoint.everySteps</c>) and resumed on another replica count: the
/// interrupted epoch continues at its first unseen sample, every sample of it decoded once over the two attempts, and the
/// epoch reports the figures of a run that was not interrupted.
/// </summary>
public sealed class MidEpochResumeTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("mid-epoch-resume-tests-").FullName;

    private sealed class MachineDied : Exception;

    private static TrainingConfig Run(string devices, int batchSize, int everySteps) => new()
    {
        Architecture = "small_cnn",
        InputChannels = 1,
        ImageSize = 8,
        Epochs = 2,
        BatchSize = batchSize,
        Devices = devices,
        Lr = 1e-2,
        Schedule = new ScheduleOptions(ScheduleKind.Cosine, EtaMin: 1e-4),
        Augmentation = new AugmentationOptions(AugmentationPreset.None),
        Checkpoint = new CheckpointOptions(EverySteps: everySteps),
        Monitoring = new MonitoringOptions(LogEverySteps: 2),
        Threads = 1,
        LoaderWorkers = 1,
        Seed = 13,
    };

    private sealed record Attempts(TrainingResult Result, RecordingObserver First, RecordingObserver Resumed, LoadLedger Killed, LoadLedger Resuming,
        ICheckpointStore Store) : IDisposable
    {
        public void Dispose() => Result.Dispose();
    }

    /// <summary>
    /// Trains with <paramref name="before"/> until its mid-epoch checkpoint after <paramref name="killedAfterSamples"/> samples of
    /// epoch 1, kills the machine there (no graceful end: the observer throws as the checkpoint is reported, and nothing past it is
    /// decoded), then resumes the run from the store with <paramref name="after"/>.
    /// </summary>
    private Attempts KillAndResume(string name, TrainingConfig before, TrainingConfig after, int killedAfterSamples,
        ILabeledImageSource train, ILabeledImageSource validation)
    {
        var store = new LocalDirectoryCheckpointStore(Path.Combine(directory, name));
        var killed = new LoadLedger(train) { StopAfter = killedAfterSamples };
        var first = new RecordingObserver(e =>
        {
            if (e is CheckpointSaved { SamplesInEpoch: { } samples } && samples == killedAfterSamples)
            {
                killed.Die();
                throw new MachineDied();
            }
        });
        Assert.Throws<MachineDied>(() => new Trainer(before, new TrainingRunOptions { CheckpointStore = store, ModelFactory = TestModels.Mlp, Observer = first })
            .Run(killed, validation));

        var resuming = new LoadLedger(train);
        var resumed = new RecordingObserver();
        var result = new Trainer(after, new TrainingRunOptions { CheckpointStore = store, ModelFactory = TestModels.Mlp, Observer = resumed })
            .Run(resuming, validation);
        return new Attempts(result, first, resumed, killed, resuming, store);
    }

    private static (TrainingResult Result, RecordingObserver Observer, LoadLedger Ledger) Uninterrupted(TrainingConfig config,
        ILabeledImageSource train, ILabeledImageSource validation)
    {
        var ledger = new LoadLedger(train);
        var observer = new RecordingObserver();
        var result = new Trainer(config, new TrainingRunOptions { ModelFactory = TestModels.Mlp, Observer = observer }).Run(ledger, validation);
        return (result, observer, ledger);
    }

    /// <summary>Epoch 1's samples over the two attempts: the killed one's decodes, then the resumed one's first <paramref name="rest"/>.</summary>
    private static List<int> FirstEpochOverBothAttempts(Attempts attempts, int rest) =>
        [.. attempts.Killed.Order, .. attempts.Resuming.Order.Take(rest)];

    private static void AssertEpochsEqual(IReadOnlyList<EpochMetrics> expected, IReadOnlyList<EpochMetrics> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal(e.Epoch, a.Epoch);
            Assert.Equal(e.Step, a.Step);
            Assert.Equal(e.TrainLoss, a.TrainLoss, tolerance);
            Assert.Equal(e.TrainAccuracy, a.TrainAccuracy, tolerance);
            Assert.Equal(e.GradientNorm, a.GradientNorm, tolerance);
            Assert.Equal(e.MaxGradientNorm, a.MaxGradientNorm, tolerance);
            Assert.Equal(e.ValidationLoss, a.ValidationLoss, tolerance);
            Assert.Equal(e.ValidationAccuracy, a.ValidationAccuracy, tolerance);
            Assert.Equal(e.LearningRate, a.LearningRate, tolerance);
            Assert.Equal(e.SkippedSteps, a.SkippedSteps);
            Assert.Equal(e.NonFiniteSteps, a.NonFiniteSteps);
            Assert.NotNull(e.Blocks);
            Assert.Equal(e.Blocks.Select(b => b.Block), a.Blocks!.Select(b => b.Block));
            foreach (var (eb, ab) in e.Blocks.Zip(a.Blocks!))
            {
                Assert.Equal(eb.GradientNorm ?? double.NaN, ab.GradientNorm ?? double.NaN, tolerance);
                Assert.Equal(eb.UpdateRatio ?? double.NaN, ab.UpdateRatio ?? double.NaN, tolerance);
            }
        }
    }

    private static double LargestDifference(TrainingResult expected, TrainingResult actual) =>
        TestModels.Flatten(expected.Model).Zip(TestModels.Flatten(actual.Model), (a, b) => (double)Math.Abs(a - b)).Max();

    [Fact]
    public void KilledOnTwoReplicasAndResumedOnThreeMidEpochEveryEpochSampleIsDecodedOnceAndTheTotalsAreThoseOfAnUninterruptedRun()
    {
        // 64 samples, global batch 12 on 2 × 6 and on 3 × 4: an epoch is 5 steps over 60 samples (the tail of 4 dropped).
        var train = FashionMnist.Slice(FashionMnist.Train, 0, 64);
        var validation = FashionMnist.Slice(FashionMnist.Train, 50_000, 16);
        var (reference, referenceObserver, referenceLedger) = Uninterrupted(Run("2", 6, everySteps: 2), train, validation);
        // Killed at the checkpoint after step 2 (24 samples in), resumed on three replicas.
        using var attempts = KillAndResume("same-global-batch", Run("2", 6, everySteps: 2), Run("3", 4, everySteps: 2), 24, train, validation);
        using (reference)
        {
            var killedEpochs = attempts.First.Events.OfType<EpochCompleted>();
            Assert.Empty(killedEpochs);
            var started = Assert.Single(attempts.Resumed.Events.OfType<RunStarted>());
            Assert.Equal(1, started.StartEpoch);
            Assert.Equal(24, started.StartSample);
            Assert.Equal(["cpu", "cpu", "cpu"], started.Devices);
            Assert.Null(started.ResumedFromGlobalBatchSize);

            // Epoch 1's 60 samples: 24 decoded before the kill, the other 36 after the resume, each once; the same as the
            // uninterrupted run's epoch 1, and in the same order.
            var epoch1 = FirstEpochOverBothAttempts(attempts, 36);
            Assert.Equal(24, attempts.Killed.Order.Count);
            Assert.Equal(60, epoch1.Distinct().Count());
            Assert.Equal(referenceLedger.Order.Take(60), epoch1);
            // Epoch 2 then read its own 60 after them.
            Assert.Equal(36 + 60, attempts.Resuming.Order.Count);

            AssertEpochsEqual(referenceObserver.Events.OfType<EpochCompleted>().Select(e => e.Metrics).ToList(),
                attempts.Resumed.Events.OfType<EpochCompleted>().Select(e => e.Metrics).ToList(), tolerance: 1e-5);
            Assert.Equal(10, attempts.Result.Report.Steps);
            double largest = LargestDifference(reference, attempts.Result);
            Assert.True(largest <= 1e-5, $"weights differ by up to {largest}");
            // The epochs' own checkpoints replaced the mid-epoch ones.
            Assert.DoesNotContain(attempts.Store.List(), CheckpointKeeper.IsMidEpoch);
        }
    }

    [Fact]
    public void ResumedMidEpochWithAnotherGlobalBatchTheEpochEndsOnItsOwnSamplesWithAShorterLastBatch()
    {
        // 60 samples: on 2 × 4 (global batch 8) epoch 1 is 56 samples in 7 steps. Killed after step 3 (24 samples in), it
        // continues on 3 × 4 (global batch 12) with the 32 samples left: 12, 12 and a last batch of 8.
        var train = FashionMnist.Slice(FashionMnist.Train, 0, 60);
        var validation = FashionMnist.Slice(FashionMnist.Train, 50_000, 16);
        var (uninterrupted, _, uninterruptedLedger) = Uninterrupted(Run("2", 4, everySteps: 3), train, validation);
        using var parallel = KillAndResume("parallel", Run("2", 4, everySteps: 3), Run("3", 4, everySteps: 3), 24, train, validation);
        // One device on the same global batches (8 until the kill, then 12): what the replicas must equal.
        using var single = KillAndResume("single", Run("1", 8, everySteps: 3), Run("1", 12, everySteps: 3), 24, train, validation);
        using (uninterrupted)
        {
            var started = Assert.Single(parallel.Resumed.Events.OfType<RunStarted>());
            Assert.Equal(24, started.StartSample);
            Assert.Equal(12, started.GlobalBatchSize);
            Assert.Equal(8, started.ResumedFromGlobalBatchSize);

            // Exactly the 56 samples the uninterrupted epoch 1 trains on, each once over the two attempts.
            var epoch1 = FirstEpochOverBothAttempts(parallel, 32);
            Assert.Equal(uninterruptedLedger.Order.Take(56), epoch1);
            Assert.Equal(56, epoch1.Distinct().Count());
            Assert.Equal(32 + 60, parallel.Resuming.Order.Count);

            // 3 steps of 8, 3 of 12 (the last of 8 samples), then epoch 2's 5 steps of 12; the cosine ends at η_min.
            var epochs = parallel.Resumed.Events.OfType<EpochCompleted>().Select(e => e.Metrics).ToList();
            Assert.Equal([6L, 11L], epochs.Select(e => e.Step));
            Assert.Equal(1e-4, epochs[^1].LearningRate, 9);
            AssertEpochsEqual(single.Resumed.Events.OfType<EpochCompleted>().Select(e => e.Metrics).ToList(), epochs, tolerance: 1e-5);
            double largest = LargestDifference(single.Result, parallel.Result);
            Assert.True(largest <= 1e-5, $"weights differ by up to {largest}");
        }
    }

    /// <summary>Rewrites a stored checkpoint's manifest as an older (or newer) format would have written it.</summary>
    private static void RewriteManifest(string checkpointFile, Action<JsonObject> change)
    {
        using var archive = ZipFile.Open(checkpointFile, ZipArchiveMode.Update);
        var entry = archive.GetEntry(CheckpointFile.ManifestEntry)!;
        JsonObject manifest;
        using (var stream = entry.Open())
        {
            manifest = JsonNode.Parse(stream)!.AsObject();
        }

        change(manifest);
        entry.Delete();
        using var writer = new StreamWriter(archive.CreateEntry(CheckpointFile.ManifestEntry, CompressionLevel.NoCompression).Open());
        writer.Write(manifest.ToJsonString());
    }

    [Fact]
    public void AFormatOneCheckpointWithoutPartialEpochOrDoctorStateStillResumes()
    {
        var train = FashionMnist.Slice(FashionMnist.Train, 0, 48);
        var validation = FashionMnist.Slice(FashionMnist.Train, 50_000, 16);
        var store = new LocalDirectoryCheckpointStore(Path.Combine(directory, "format-1"));
        var config = Run("1", 8, everySteps: 0);
        using (new Trainer(config with { Epochs = 1 }, new TrainingRunOptions { CheckpointStore = store, ModelFactory = TestModels.Mlp }).Run(train, validation))
        {
        }

        RewriteManifest(Path.Combine(store.Directory, "epoch-0001.ckpt"), manifest =>
        {
            Assert.True(manifest.Remove("doctor"), "a format-2 manifest carries the doctor's state");
            manifest["formatVersion"] = 1;
        });
        var observer = new RecordingObserver();
        using var resumed = new Trainer(config, new TrainingRunOptions { CheckpointStore = store, ModelFactory = TestModels.Mlp, Observer = observer })
            .Run(train, validation);

        var started = Assert.Single(observer.Events.OfType<RunStarted>());
        Assert.Equal(2, started.StartEpoch);
        Assert.Equal(0, started.StartSample);
        Assert.Equal(2, resumed.Report.EpochsCompleted);
        Assert.Equal(12, resumed.Report.Steps);
        using var stream = store.OpenRead("epoch-0002")!;
        var written = CheckpointFile.ReadManifest(stream);
        Assert.Equal(CheckpointManifest.CurrentFormatVersion, written.FormatVersion);
        Assert.NotNull(written.Doctor);
        Assert.Null(written.PartialEpoch);
    }

    [Fact]
    public void ACheckpointOfAFormatNewerThanThisTrainerIsRefusedNamingTheFormats()
    {
        var train = FashionMnist.Slice(FashionMnist.Train, 0, 16);
        var validation = FashionMnist.Slice(FashionMnist.Train, 50_000, 8);
        var store = new LocalDirectoryCheckpointStore(Path.Combine(directory, "format-99"));
        using (new Trainer(Run("1", 8, everySteps: 0) with { Epochs = 1 }, new TrainingRunOptions { CheckpointStore = store, ModelFactory = TestModels.Mlp })
                   .Run(train, validation))
        {
        }

        RewriteManifest(Path.Combine(store.Directory, "epoch-0001.ckpt"), manifest => manifest["formatVersion"] = 99);
        using var stream = store.OpenRead("epoch-0001")!;

        var error = Assert.Throws<InvalidDataException>(() => CheckpointFile.ReadManifest(stream));
        Assert.Equal($"Checkpoint format 99 is not supported (this trainer reads 1 to {CheckpointManifest.CurrentFormatVersion}).", error.Message);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
