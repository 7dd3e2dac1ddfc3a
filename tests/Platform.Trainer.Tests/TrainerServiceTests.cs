using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Testing;
using Platform.Testing.Otlp;
using Platform.Imaging.Formats.Data;
using Conventions = Platform.Contracts.Telemetry.TrainingTelemetryConventions;

namespace Platform.Trainer.Tests;

[Collection(TrainerCollection.Name)]
public sealed class TrainerServiceTests(TrainerFixture fixture)
{
    [Fact]
    public async Task A_small_job_goes_from_train_model_to_model_trained_with_an_onnx_package_that_scores_above_chance_and_no_point_lost_to_a_tracker_outage()
    {
        var (runId, trained, trackerSpans, _, outage) = await fixture.TwoEpochRunAsync();

        // The tracker was down for the whole run and 12 s past its last epoch, longer than the OTLP exporter's own retries:
        // the trainer kept the points on disk and announced nothing until the tracker had them all.
        Assert.False(outage.AnnouncedWhileTrackerDown, "no outcome before its points are stored");
        Assert.True(outage.SpooledBatches > 0, "the telemetry waited in the spool");

        // The tracker has every epoch and the run's end before it hears that the run completed.
        var spans = trackerSpans.Where(s => s.Attribute(Conventions.RunId) == runId.ToString()).ToList();
        Assert.Equal(["1", "2"], spans.Where(s => s.Name == Conventions.EpochSpan).Select(s => s.Attribute(Conventions.Step)).Order());
        Assert.Single(spans, s => s.Name == Conventions.RunSpan);
        Assert.Equal("fashion-cnn", trained.ModelName);
        Assert.True(trained.Metrics["accuracy"] > 0.5, $"validation accuracy {trained.Metrics["accuracy"]}");
        var models = fixture.Blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
        async Task<BinaryData> Read(string file) =>
            (await models.GetBlobClient(StorageLayout.ModelPackageFile("fashion-cnn", runId, file)).DownloadContentAsync()).Value.Content;
        var onnx = (await Read(ModelPackageLayout.ModelFile)).ToArray();
        var labels = (await Read(ModelPackageLayout.LabelsFile)).ToObjectFromJson<string[]>()!;
        var package = ModelPackageIndex.FromJson((await Read(ModelPackageLayout.IndexFile)).ToString());
        Assert.Equal(IdxDataset.FashionMnistClasses, labels);
        Assert.Equal(IdxDataset.FashionMnistClasses, package.Labels);
        Assert.Equal((runId, "fashion-cnn", "small_cnn"), (package.RunId, package.ModelName, package.Architecture));
        Assert.True(package.Parity.MaxAbsLogitDifference <= 1e-4);
        // ModelTrained carries the gate's figures, the ones the package records (the tracker's run page shows them).
        Assert.Equal(package.Parity, trained.Parity);
        Assert.Equal(16, trained.Parity!.ImagesCompared);

        // The misclassified gallery (monitoring.misclassifiedExamples, default 24) in the run's folder: the index names a PNG of at most
        // 96 px a side per example, most confident first, each truly wrong; ModelTrained says how many there are.
        var runs = fixture.Blobs.GetBlobContainerClient(StorageLayout.RunsContainer);
        var gallery = Platform.Contracts.Runs.MisclassifiedGallery.FromJson(
            (await runs.GetBlobClient(StorageLayout.RunMisclassifiedIndex(runId)).DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal((runId, "val", 24), (gallery.RunId, gallery.Split, gallery.Limit));
        Assert.Equal(Math.Min(24, gallery.Wrong), gallery.Examples.Count);
        Assert.Equal(gallery.Examples.Count, trained.MisclassifiedExamples);
        Assert.True(gallery.Wrong > 0 && gallery.Wrong < gallery.Evaluated, $"{gallery.Wrong} of {gallery.Evaluated} wrong");
        Assert.Equal(Enumerable.Range(1, gallery.Examples.Count), gallery.Examples.Select(e => e.Rank));
        Assert.True(gallery.Examples.Zip(gallery.Examples.Skip(1)).All(p => p.First.Confidence >= p.Second.Confidence), "most confident first");
        foreach (var example in gallery.Examples)
        {
            Assert.NotEqual(example.TrueLabel, example.PredictedLabel);
            Assert.Contains(example.TrueLabel, IdxDataset.FashionMnistClasses);
            Assert.Equal(example.PredictedLabel, example.Top[0].Label);
            Assert.Equal(example.Confidence, example.Top[0].Probability);
            Assert.False(string.IsNullOrEmpty(example.Key));
            var png = (await runs.GetBlobClient(StorageLayout.RunMisclassifiedThumbnail(runId, example.Thumbnail)).DownloadContentAsync()).Value.Content.ToArray();
            // PNG signature, then IHDR's big-endian width and height (ISO/IEC 15948 §11.2.2).
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            Assert.Equal((28, 28), (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
            Assert.Equal((28, 28), (example.Width, example.Height));
        }

        // The exported model, run by ONNX Runtime on held-out images (test-set images 5000–5499, never trained on).
        Assert.True(ScoreWithOnnxRuntime(onnx, from: 5000, count: 500) > 0.5);
        Assert.DoesNotContain(fixture.Failed, f => f.RunId == runId);

        // tensorboard.enabled: the engine's event file stored in the run's folder: the guide's tags, histograms, the HParams session.
        var events = await fixture.TensorBoardEventsAsync(runId);
        Assert.Equal([1L, 2], Platform.Testing.TensorBoard.TensorBoardRecords.Scalars(events)["Loss/val"].Select(p => p.Step));
        Assert.Equal(2, Platform.Testing.TensorBoard.TensorBoardRecords.Histograms(events)["Gradients/head"].Count);
        Assert.Equal(Platform.Testing.TensorBoardSchema.HParams.Status.Success,
            Assert.Single(Platform.Testing.TensorBoard.TensorBoardRecords.HParams(events, "_hparams_/session_end_info")).SessionEndInfo.Status);
    }

    [Fact]
    public async Task Cancel_mid_run_stops_the_run_and_records_it_as_cancelled_without_a_model()
    {
        await using var trainer = await fixture.StartTrainerAsync();
        var runId = Guid.NewGuid();
        await fixture.PublishAsync(TrainerFixture.Job(runId, TrainerFixture.SmallCnnConfig(epochs: 50, batchSize: 16)));
        await Eventually.UntilAsync(async () => (await fixture.CheckpointsAsync(runId)).Count > 0, TimeSpan.FromMinutes(3), () => trainer.Output);

        var requested = DateTimeOffset.UtcNow;
        await fixture.PublishAsync(new CancelTraining(runId, "changed my mind", DateTimeOffset.UtcNow));
        var cancelled = await fixture.WaitForAsync(fixture.Cancelled, m => m.RunId == runId, TimeSpan.FromSeconds(60), () => trainer.Output);

        Assert.Equal("changed my mind", cancelled.Reason);
        Assert.True(cancelled.CancelledAt - requested < TimeSpan.FromSeconds(20), $"took {cancelled.CancelledAt - requested}");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(fixture.Trained, m => m.RunId == runId);
    }

    [Fact]
    public async Task An_invalid_configuration_fails_the_run_once_with_its_reason_and_is_not_retried()
    {
        await using var trainer = await fixture.StartTrainerAsync();
        var runId = Guid.NewGuid();

        await fixture.PublishAsync(TrainerFixture.Job(runId, """{ "architecture": "resnet9000", "epochs": 0 }"""));
        var failed = await fixture.WaitForAsync(fixture.Failed, m => m.RunId == runId, TimeSpan.FromMinutes(1), () => trainer.Output);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal("invalid configuration", failed.Reason);
        Assert.Contains("resnet9000", failed.Detail);
        Assert.Contains("epochs", failed.Detail);
        Assert.Single(fixture.Failed, m => m.RunId == runId);
    }

    [Fact]
    public async Task A_missing_dataset_fails_the_run_with_a_reason_naming_it()
    {
        await using var trainer = await fixture.StartTrainerAsync();
        var runId = Guid.NewGuid();

        await fixture.PublishAsync(TrainerFixture.Job(runId, TrainerFixture.SmallCnnConfig(1)) with { DatasetName = "no-such-dataset" });
        var failed = await fixture.WaitForAsync(fixture.Failed, m => m.RunId == runId, TimeSpan.FromMinutes(1), () => trainer.Output);

        Assert.Equal("dataset unavailable", failed.Reason);
        Assert.Contains("no-such-dataset", failed.Detail);
    }

    private static double ScoreWithOnnxRuntime(byte[] model, int from, int count)
    {
        var source = IdxDataset.Open(Path.Combine(RepositoryPaths.FashionMnistFolder, "t10k-images-idx3-ubyte.gz"),
            Path.Combine(RepositoryPaths.FashionMnistFolder, "t10k-labels-idx1-ubyte.gz"));
        using var session = new InferenceSession(model);
        var meta = session.ModelMetadata.CustomMetadataMap;
        var mean = JsonSerializer.Deserialize<float[]>(meta["platform.mean"])![0];
        var std = JsonSerializer.Deserialize<float[]>(meta["platform.std"])![0];
        var correct = 0;
        for (var i = from; i < from + count; i++)
        {
            var image = source.Load(i);
            var input = new DenseTensor<float>(image.Pixels.Select(p => (p / 255f - mean) / std).ToArray(), [1, 1, 28, 28]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), input)]);
            var logits = results.First().AsEnumerable<float>().ToArray();
            correct += Array.IndexOf(logits, logits.Max()) == source.GetLabel(i) ? 1 : 0;
        }
        return (double)correct / count;
    }
}
