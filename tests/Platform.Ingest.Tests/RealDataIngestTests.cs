using System.Net.Http.Json;
using System.Text.Json;
using Platform.Imaging.Data;
using Platform.Imaging.Shards;
using Platform.Testing;
using Platform.Imaging.Formats.Data;
using Platform.Imaging.Formats.Shards;

namespace Platform.Ingest.Tests;

[Collection(IngestCollection.Name)]
public sealed class RealDataIngestTests(IngestFixture fixture)
{
    [Fact]
    public async Task Fashion_mnist_idx_files_become_a_stratified_grayscale_dataset_with_the_published_statistics()
    {
        using var content = IngestFixture.FashionMnistUpload("t10k");
        var classNames = string.Join(',', IdxDataset.FashionMnistClasses);

        var accepted = await fixture.UploadAsync($"name=fashion-mnist-test&split=0.8,0.1,0.1&seed=1&classNames={Uri.EscapeDataString(classNames)}", content);
        var record = await fixture.WaitForOutcomeAsync("fashion-mnist-test", accepted.GetProperty("version").GetInt32());

        Assert.Equal("published", record.GetProperty("state").GetString());
        var report = record.GetProperty("report");
        Assert.Equal(IdxDataset.FashionMnistClasses, report.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(1, report.GetProperty("channels").GetInt32());
        var splits = report.GetProperty("splits").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s);
        var duplicatesDropped = report.GetProperty("rejected").GetArrayLength();
        Assert.Equal(10_000 - duplicatesDropped, splits.Values.Sum(s => s.GetProperty("samples").GetInt32()));
        Assert.InRange(duplicatesDropped, 0, 50);
        foreach (var (name, expected) in new[] { ("train", 800), ("val", 100), ("test", 100) })
        {
            // 1,000 test images per class, split 80/10/10 within each class (a few exact duplicates aside).
            Assert.All(splits[name].GetProperty("perClass").EnumerateArray(), count => Assert.InRange(count.GetInt32(), expected - 6, expected));
        }
        // Fashion-MNIST's published pixel statistics: mean 0.2860, std 0.3530 (train set); the test set is within 0.005.
        Assert.InRange(report.GetProperty("mean")[0].GetSingle(), 0.281f, 0.292f);
        Assert.InRange(report.GetProperty("std")[0].GetSingle(), 0.347f, 0.358f);

        var manifest = await fixture.Ingest.Client.GetFromJsonAsync<DatasetManifest>($"/datasets/fashion-mnist-test/versions/{record.GetProperty("version").GetInt32()}/manifest",
            JsonSerializerOptions.Web);
        Assert.NotNull(manifest);
        Assert.Equal(new ImageSize(28, 28), manifest.Size);
        Assert.Equal(2, manifest.Sources.Count);
    }

    [Fact]
    public async Task An_art4apps_folder_archive_keeps_every_image_with_its_class_and_stats_that_match_the_shards()
    {
        var root = RepositoryPaths.Art4Apps;
        var classes = new[] { "clothes_n_accessories", "food", "fruit_n_veg", "transport" };
        var expected = classes.ToDictionary(c => c, c => Directory.GetFiles(Path.Combine(root, c), "*.jpg").Length);
        var archive = TestArchives.Zip(classes.SelectMany(c => Directory.GetFiles(Path.Combine(root, c), "*.jpg")
            .Select(file => new TestArchives.Entry($"art4apps/{c}/{Path.GetFileName(file)}", File.ReadAllBytes(file)))));

        var accepted = await fixture.UploadAsync("name=art4apps&seed=3", IngestFixture.Archive(archive));
        var version = accepted.GetProperty("version").GetInt32();
        var record = await fixture.WaitForOutcomeAsync("art4apps", version);

        Assert.Equal("published", record.GetProperty("state").GetString());
        var report = record.GetProperty("report");
        Assert.Equal(classes, report.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("class folders", report.GetProperty("labelSource").GetString());
        var splits = report.GetProperty("splits").EnumerateArray().ToList();
        var duplicates = report.GetProperty("duplicates").EnumerateArray().Sum(d => d.GetProperty("dropped").GetArrayLength());
        for (var c = 0; c < classes.Length; c++)
        {
            var total = splits.Sum(s => s.GetProperty("perClass")[c].GetInt32());
            Assert.InRange(total, expected[classes[c]] - duplicates, expected[classes[c]]);
            Assert.True(splits.Single(s => s.GetProperty("name").GetString() == "val").GetProperty("perClass")[c].GetInt32() >= 1);
        }

        // The statistics in the report are those of the train split as stored in the shards.
        var manifest = (await fixture.Ingest.Client.GetFromJsonAsync<DatasetManifest>($"/datasets/art4apps/versions/{version}/manifest", JsonSerializerOptions.Web))!;
        var cache = Directory.CreateTempSubdirectory("shards-").FullName;
        try
        {
            var container = fixture.Blobs.GetBlobContainerClient("datasets");
            foreach (var shard in manifest.ShardsOf("train"))
            {
                await container.GetBlobClient($"art4apps/v{version}/shards/{shard.Name}").DownloadToAsync(Path.Combine(cache, shard.Name));
            }
            using var train = ShardDataset.Open(manifest, "train", cache);
            var statistics = ChannelStatistics.Compute(train, 3);
            for (var channel = 0; channel < 3; channel++)
            {
                Assert.Equal(statistics.Mean[channel], manifest.Mean[channel], 3);
                Assert.Equal(statistics.Std[channel], manifest.Std[channel], 3);
            }
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public async Task Oversampling_raises_each_minority_train_class_to_the_ratio_with_augmented_copies_and_leaves_val_and_test_alone()
    {
        var root = RepositoryPaths.Art4Apps;
        // animals (128 pictures) against transport (21): an imbalance of about 6 to 1.
        var archive = TestArchives.Zip(new[] { "animals", "transport" }.SelectMany(c => Directory.GetFiles(Path.Combine(root, c), "*.jpg")
            .Select(file => new TestArchives.Entry($"{c}/{Path.GetFileName(file)}", File.ReadAllBytes(file)))));

        var plain = await fixture.WaitForOutcomeAsync("balanced", (await fixture.UploadAsync("name=balanced&seed=4&size=32", IngestFixture.Archive(archive))).GetProperty("version").GetInt32());
        var balanced = await fixture.WaitForOutcomeAsync("balanced",
            (await fixture.UploadAsync("name=balanced&seed=4&size=32&balance=oversample&balanceRatio=0.5", IngestFixture.Archive(archive))).GetProperty("version").GetInt32());

        Assert.Equal("published", balanced.GetProperty("state").GetString());
        int[] PerClass(JsonElement record, string split) => record.GetProperty("report").GetProperty("splits").EnumerateArray()
            .Single(s => s.GetProperty("name").GetString() == split).GetProperty("perClass").EnumerateArray().Select(c => c.GetInt32()).ToArray();
        var (before, after) = (PerClass(plain, "train"), PerClass(balanced, "train"));
        Assert.Equal(before[0], after[0]);
        Assert.Equal((int)Math.Ceiling(0.5 * before[0]), after[1]);
        Assert.Equal(PerClass(plain, "val"), PerClass(balanced, "val"));
        Assert.Equal(PerClass(plain, "test"), PerClass(balanced, "test"));
        var addedPerClass = balanced.GetProperty("report").GetProperty("balancing").GetProperty("addedPerClass");
        Assert.Equal(after[1] - before[1], addedPerClass.GetProperty("transport").GetInt32());
        Assert.Equal(0, addedPerClass.GetProperty("animals").GetInt32());

        // The copies are in the shards, and the progress counted every image written.
        var progress = balanced.GetProperty("progress");
        var total = balanced.GetProperty("report").GetProperty("splits").EnumerateArray().Sum(s => s.GetProperty("samples").GetInt32());
        Assert.Equal(total, progress.GetProperty("written").GetInt32());
        Assert.Equal(total, progress.GetProperty("toWrite").GetInt32());
        var manifest = (await fixture.Ingest.Client.GetFromJsonAsync<DatasetManifest>(
            $"/datasets/balanced/versions/{balanced.GetProperty("version").GetInt32()}/manifest", JsonSerializerOptions.Web))!;
        Assert.Equal(after.Sum(), manifest.ShardsOf("train").Sum(shard => shard.Samples));
    }
}
