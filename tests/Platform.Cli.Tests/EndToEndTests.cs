using Platform.Imaging;
using Platform.Testing;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;

namespace Platform.Cli.Tests;

/// <summary>
/// The user's journey through the platform command only: upload Fashion-MNIST's test set, train the examples' small CNN
/// on it, promote the model, and predict images it never saw (from Fashion-MNIST's training set).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class EndToEndTests(EndToEndFixture suite) : IDisposable
{
    /// <summary>
    /// Two epochs of the small CNN at batch 32 on the first 3,000 test-set images (2,400 of them in the training split)
    /// reached 87% on 300 unseen Fashion-MNIST images; 75% leaves room for run-to-run variation while still failing on a
    /// model that learned nothing useful (chance is 10%).
    /// </summary>
    private const double HeldOutAccuracyThreshold = 0.75;

    /// <summary>How many of Fashion-MNIST's test-set images the journey uploads: enough to learn from, few enough to be quick.</summary>
    private const int UploadedImages = 3000;

    private static readonly TimeSpan Quick = TimeSpan.FromMinutes(1);
    private readonly string scratch = Directory.CreateTempSubdirectory("platform-e2e-").FullName;

    [Fact]
    public async Task Upload_train_promote_and_predict_held_out_images_through_the_cli()
    {
        var fashion = RepositoryPaths.FashionMnistFolder;
        var (labelsFile, imagesFile) = await WriteIdxSubsetAsync(
            IdxDataset.Open(Path.Combine(fashion, "t10k-images-idx3-ubyte.gz"), Path.Combine(fashion, "t10k-labels-idx1-ubyte.gz")), UploadedImages);
        var upload = await Platform(TimeSpan.FromMinutes(5), "datasets", "upload", labelsFile, imagesFile,
            "--name", "fashion-e2e", "--class-names", "fashion-mnist", "--seed", "1", "--json");
        var dataset = upload.Json;
        Assert.Equal("published", dataset.GetProperty("state").GetString());
        Assert.Equal(IdxDataset.FashionMnistClasses, dataset.GetProperty("report").GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("fashion-e2e:1 published", upload.Error);

        var created = await Platform(Quick, "runs", "create", "--experiment", "e2e", "--dataset", "fashion-e2e", "--model", "fashion-e2e",
            "--config", "examples/fashion-mnist-cnn.yaml", "--set", "epochs=2", "--set", "batchSize=32", "--json");
        var runId = created.Json.GetProperty("id").GetGuid();
        Assert.Equal("queued", created.Json.GetProperty("state").GetString());
        // The trainer announces the run as it starts, so the tracker shows it running (on its device) before any epoch ends.
        var started = await suite.Tracker.PollAsync($"/runs/{runId}", r => r.GetProperty("state").GetString() != "queued", TimeSpan.FromMinutes(2));
        Assert.Equal("running", started.GetProperty("state").GetString());
        Assert.Empty(started.GetProperty("curves").EnumerateArray());
        Assert.Equal("cpu", started.GetProperty("device").GetString());

        var watched = await Platform(TimeSpan.FromMinutes(10), "runs", "watch", runId.ToString("D")[..8], "--json");
        var run = watched.Json.GetProperty("run");
        Assert.Equal("completed", run.GetProperty("state").GetString());
        Assert.Equal(1, run.GetProperty("datasetVersion").GetInt32());
        Assert.Contains("epoch 1/2", watched.Error);
        Assert.Contains("epoch 2/2", watched.Error);
        var version = watched.Json.GetProperty("model").GetProperty("version").GetInt32();

        var listed = await Platform(Quick, "runs", "list", "--experiment", "e2e", "--json");
        Assert.Contains(runId, listed.Json.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        var shown = await Platform(Quick, "runs", "show", runId.ToString("D")[..8]);
        Assert.Contains("completed", shown.Output);
        Assert.Contains("val_accuracy", shown.Output);

        var promoted = await Platform(TimeSpan.FromMinutes(3), "models", "promote", "fashion-e2e", version.ToString(), "--alias", "production", "--json");
        Assert.True(promoted.Json.GetProperty("serving").GetBoolean(), promoted.ToString());

        var predicted = await Platform(TimeSpan.FromMinutes(3), "predict", "fashion-e2e", "--idx",
            Path.Combine(fashion, "train-images-idx3-ubyte.gz"), Path.Combine(fashion, "train-labels-idx1-ubyte.gz"), "--count", "300", "--json");
        var answer = predicted.Json;
        Assert.Equal(version, answer.GetProperty("version").GetInt32());
        Assert.Equal(300, answer.GetProperty("images").GetInt32());
        Assert.True(answer.GetProperty("accuracy").GetDouble() >= HeldOutAccuracyThreshold, $"accuracy {answer.GetProperty("accuracy")} on held-out images\n{predicted}");

        var images = IdxDataset.Open(Path.Combine(fashion, "train-images-idx3-ubyte.gz"), Path.Combine(fashion, "train-labels-idx1-ubyte.gz"), IdxDataset.FashionMnistClasses);
        var png = Path.Combine(scratch, "sample.png");
        await File.WriteAllBytesAsync(png, ImageEncoder.Encode(images.Load(1000), ImageFormat.Png));
        var single = await Platform(Quick, "predict", "fashion-e2e", png, "--top-k", "5");
        Assert.Contains("sample.png", single.Output);
        Assert.Contains($"fashion-e2e v{version} (production)", single.Output);
    }

    [Fact]
    public async Task A_folder_upload_reports_the_file_it_rejected_and_keeps_the_rest()
    {
        var art4apps = RepositoryPaths.Art4Apps;
        var expected = 0;
        foreach (var label in new[] { "food", "transport" })
        {
            var target = Directory.CreateDirectory(Path.Combine(scratch, "pictures", label)).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(art4apps, label), "*.jpg"))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
                expected++;
            }
        }
        await File.WriteAllBytesAsync(Path.Combine(scratch, "pictures", "food", "broken.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A]);

        var result = await Platform(TimeSpan.FromMinutes(5), "datasets", "upload", Path.Combine(scratch, "pictures"), "--name", "pictures", "--size", "64");

        Assert.Contains("pictures:1 published", result.Output);
        Assert.Contains("1 file(s) rejected", result.Output);
        Assert.Contains("broken.jpg", result.Output);
        var report = (await Platform(Quick, "datasets", "show", "pictures:1", "--json")).Json.GetProperty("report");
        Assert.Equal(["food", "transport"], report.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        var kept = report.GetProperty("splits").EnumerateArray().Sum(s => s.GetProperty("samples").GetInt32());
        var duplicates = report.GetProperty("duplicates").EnumerateArray().Sum(d => d.GetProperty("dropped").GetArrayLength());
        Assert.Equal(expected - duplicates, kept);
    }

    [Fact]
    public async Task Names_that_do_not_exist_exit_4_with_the_service_s_explanation()
    {
        var png = Path.Combine(scratch, "blank.png");
        await File.WriteAllBytesAsync(png, ImageEncoder.Encode(ImageBuffer.Create(8, 8, 1), ImageFormat.Png));

        var model = await CliRun.ProcessAsync(suite.CliEnvironment, Quick, "predict", "no-such-model", png);
        var run = await CliRun.ProcessAsync(suite.CliEnvironment, Quick, "runs", "watch", Guid.NewGuid().ToString());
        var dataset = await CliRun.ProcessAsync(suite.CliEnvironment, Quick, "runs", "create", "--experiment", "e2e", "--dataset", "no-such-dataset");

        Assert.Equal(4, model.ExitCode);
        Assert.Contains("no-such-model", model.Error);
        Assert.Equal(4, run.ExitCode);
        Assert.Contains("Run not found", run.Error);
        Assert.Equal(4, dataset.ExitCode);
        Assert.Contains("no-such-dataset", dataset.Error);
    }

    /// <summary>The first <paramref name="count"/> images of an IDX pair as a gzipped IDX pair of their own, as a user's download would be.</summary>
    private async Task<(string Labels, string Images)> WriteIdxSubsetAsync(IdxDataset source, int count)
    {
        var first = source.Load(0);
        var images = new byte[16 + count * first.Pixels.Length];
        var labels = new byte[8 + count];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images, 0x00000803);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), first.Height);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), first.Width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(labels, 0x00000801);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (var i = 0; i < count; i++)
        {
            source.Load(i).Pixels.CopyTo(images, 16 + i * first.Pixels.Length);
            labels[8 + i] = (byte)source.GetLabel(i);
        }
        async Task<string> Write(string name, byte[] content)
        {
            var path = Path.Combine(scratch, name);
            await using var file = File.Create(path);
            await using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
            await gzip.WriteAsync(content);
            return path;
        }
        return (await Write("t10k-labels-idx1-ubyte.gz", labels), await Write("t10k-images-idx3-ubyte.gz", images));
    }

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private async Task<CliResult> Platform(TimeSpan timeout, params string[] args)
    {
        var result = await suite.PlatformAsync(timeout, args);
        Assert.True(result.ExitCode == 0, $"platform {string.Join(' ', args)}\n{result}\n{suite.Diagnostics()}");
        return result;
    }
}
