using System.Net.Http.Json;
using System.Text.Json;
using Platform.Imaging.Formats.Shards;
using Platform.Imaging.Shards;
using static Platform.Ingest.Tests.CifarArchives;

namespace Platform.Ingest.Tests;

/// <summary>CIFAR-10 and CIFAR-100 archives, built record-exact in their published layouts, through the running service.</summary>
[Collection(IngestCollection.Name)]
public sealed class CifarIngestTests(IngestFixture fixture)
{
    // Five training batches of six records (three per class over all batches) and a test batch of five.
    private static readonly IReadOnlyList<Image>[] TrainingBatches = Enumerable.Range(0, 5)
        .Select(batch => (IReadOnlyList<Image>)Enumerable.Range(0, 6).Select(i => new Image((batch * 6 + i) % 10, Planes(1000 + batch * 6 + i))).ToList())
        .ToArray();

    private static readonly IReadOnlyList<Image> TestBatch = Enumerable.Range(0, 5).Select(i => new Image(i, Planes(2000 + i))).ToList();

    [Fact]
    public async Task A_cifar10_binary_archive_as_published_keeps_every_record_with_its_meta_name_and_its_test_batch_as_the_test_split()
    {
        var record = await IngestAsync("cifar10-bin", "", Cifar10Binary(TrainingBatches, TestBatch));

        await AssertCifar10Async(record, "cifar-10-batches-bin/test_batch.bin#3", "cifar-10-batches-bin/data_batch_4.bin#5");
        Assert.Contains(record.GetProperty("report").GetProperty("rejected").EnumerateArray(),
            r => r.GetProperty("path").GetString() == "cifar-10-batches-bin/readme.html" && r.GetProperty("reason").GetString() == "ignored-metadata");
    }

    [Fact]
    public async Task A_cifar10_python_archive_is_read_from_its_pickles_without_running_them_and_matches_the_binary_one()
    {
        var record = await IngestAsync("cifar10-py", "", Cifar10Python(TrainingBatches, TestBatch));

        await AssertCifar10Async(record, "cifar-10-batches-py/test_batch#3", "cifar-10-batches-py/data_batch_4#5");
    }

    [Fact]
    public async Task A_cifar100_binary_archive_is_labelled_by_fine_classes_or_by_coarse_ones_on_request()
    {
        var train = Enumerable.Range(0, 8).Select(i => new Image(Label: 90 + i % 4, Planes(3000 + i), CoarseLabel: 17 + i % 2)).ToList();
        var test = Enumerable.Range(0, 2).Select(i => new Image(Label: 90 + i, Planes(3100 + i), CoarseLabel: 17)).ToList();
        var archive = Cifar100Binary(train, test);

        var fine = (await IngestAsync("cifar100-bin", "", archive)).GetProperty("report");
        var coarse = (await IngestAsync("cifar100-bin", "&labels=coarse", archive)).GetProperty("report");

        Assert.Equal(["fine_90", "fine_91", "fine_92", "fine_93"], Names(fine.GetProperty("classes")));
        Assert.Equal([1, 1, 0, 0], PerClass(fine, "test"));
        Assert.Equal([2, 2, 2, 2], Sum(PerClass(fine, "train"), PerClass(fine, "val")));
        Assert.Equal(["superclass_17", "superclass_18"], Names(coarse.GetProperty("classes")));
        Assert.Equal([2, 0], PerClass(coarse, "test"));
        Assert.Equal([4, 4], Sum(PerClass(coarse, "train"), PerClass(coarse, "val")));
    }

    [Fact]
    public async Task A_cifar100_python_archive_is_read_from_its_pickles_with_the_coarse_names_of_its_meta_on_request()
    {
        var train = Enumerable.Range(0, 6).Select(i => new Image(Label: 10 + i % 3, Planes(3200 + i), CoarseLabel: 4 + i % 2)).ToList();
        var test = Enumerable.Range(0, 3).Select(i => new Image(Label: 10 + i, Planes(3300 + i), CoarseLabel: 5)).ToList();

        var report = (await IngestAsync("cifar100-py", "&labels=coarse", Cifar100Python(train, test))).GetProperty("report");

        Assert.Equal(["superclass_4", "superclass_5"], Names(report.GetProperty("classes")));
        Assert.Equal([0, 3], PerClass(report, "test"));
        Assert.Equal([3, 3], Sum(PerClass(report, "train"), PerClass(report, "val")));
    }

    [Theory]
    [InlineData("pickle-global", "unsafe-pickle")]
    [InlineData("pickle-nested", "pickle-too-deep")]
    [InlineData("truncated", "truncated-batch")]
    [InlineData("label-range", "label-out-of-range")]
    [InlineData("meta", "meta-mismatch")]
    public async Task A_cifar_archive_that_breaks_the_layout_fails_as_a_whole_with_its_reason_and_publishes_nothing(string damage, string reason)
    {
        var archive = damage switch
        {
            "pickle-global" => Cifar10Python(TrainingBatches, TestBatch, testBatchOverride: ExploitPickle()),
            "pickle-nested" => Cifar10Python(TrainingBatches, TestBatch, testBatchOverride: NestedListPickle(depth: 200)),
            "truncated" => Cifar10Binary(TrainingBatches, TestBatch.Take(4).Append(TestBatch[4] with { Planes = TestBatch[4].Planes[..1000] }).ToList()),
            "label-range" => Cifar10Binary(TrainingBatches, [.. TestBatch, new Image(12, Planes(2100))]),
            _ => Cifar10Binary(TrainingBatches, TestBatch, metaText: string.Join("\n", Cifar10Names[..9])),
        };
        var name = $"cifar-bad-{damage}";

        var record = await IngestAsync(name, "", archive);

        Assert.Equal("failed", record.GetProperty("state").GetString());
        Assert.StartsWith($"{reason}: ", record.GetProperty("error").GetString());
        Assert.DoesNotContain("/tmp", record.GetProperty("error").GetString());
        var version = record.GetProperty("version").GetInt32();
        Assert.Equal([$"datasets/{name}/v{version}/version.json"], await fixture.BlobNamesAsync($"datasets/{name}/"));
    }

    private static byte[] NestedListPickle(int depth)
    {
        var pickle = new PickleBytes().Raw(0x80, 2);
        for (var i = 0; i < depth; i++)
        {
            pickle.Raw((byte)']');
        }
        for (var i = 1; i < depth; i++)
        {
            pickle.Raw((byte)'a');
        }
        return pickle.Raw((byte)'.').ToArray();
    }

    private async Task AssertCifar10Async(JsonElement record, string testKey, string trainingKey)
    {
        Assert.Equal("published", record.GetProperty("state").GetString());
        var report = record.GetProperty("report");
        Assert.Equal(Cifar10Names, Names(report.GetProperty("classes")));
        Assert.Equal("source labels", report.GetProperty("labelSource").GetString());
        Assert.Equal([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], PerClass(report, "test"));
        // Three training records per class: split into train and val in the asked 8:1 proportion (one each to val).
        Assert.Equal(Enumerable.Repeat(2, 10), PerClass(report, "train"));
        Assert.Equal(Enumerable.Repeat(1, 10), PerClass(report, "val"));
        Assert.Equal(1.0, report.GetProperty("imbalanceRatio").GetDouble());
        Assert.Equal(32, report.GetProperty("size").GetProperty("width").GetInt32());

        var stored = await StoredRecordsAsync(record.GetProperty("name").GetString()!, record.GetProperty("version").GetInt32());
        var (testSplit, testRecord) = stored[testKey];
        Assert.Equal("test", testSplit);
        Assert.Equal(3, testRecord.Label);
        Assert.Equal(Interleaved(TestBatch[3].Planes), testRecord.Payload);
        var (_, trainingRecord) = stored[trainingKey];
        Assert.Equal(TrainingBatches[3][5].Label, trainingRecord.Label);
        Assert.Equal(Interleaved(TrainingBatches[3][5].Planes), trainingRecord.Payload);
        Assert.Equal(35, stored.Count);
    }

    private async Task<JsonElement> IngestAsync(string name, string query, byte[] archive)
    {
        var accepted = await fixture.UploadAsync($"name={name}{query}", IngestFixture.Archive(archive));
        return await fixture.WaitForOutcomeAsync(name, accepted.GetProperty("version").GetInt32());
    }

    private async Task<Dictionary<string, (string Split, ShardRecord Record)>> StoredRecordsAsync(string name, int version)
    {
        var manifest = (await fixture.Ingest.Client.GetFromJsonAsync<DatasetManifest>($"/datasets/{name}/versions/{version}/manifest", JsonSerializerOptions.Web))!;
        var cache = Directory.CreateTempSubdirectory("cifar-shards-").FullName;
        try
        {
            var container = fixture.Blobs.GetBlobContainerClient("datasets");
            var records = new Dictionary<string, (string, ShardRecord)>();
            foreach (var split in new[] { "train", "val", "test" })
            {
                foreach (var shard in manifest.ShardsOf(split))
                {
                    await container.GetBlobClient($"{name}/v{version}/shards/{shard.Name}").DownloadToAsync(Path.Combine(cache, shard.Name));
                }
                using var dataset = ShardDataset.Open(manifest, split, cache);
                for (var i = 0; i < dataset.Count; i++)
                {
                    var stored = dataset.ReadRecord(i);
                    records[stored.Key] = (split, stored);
                }
            }
            return records;
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    private static byte[] Interleaved(byte[] planes)
    {
        var pixels = new byte[3072];
        for (var i = 0; i < 1024; i++)
        {
            pixels[3 * i] = planes[i];
            pixels[3 * i + 1] = planes[1024 + i];
            pixels[3 * i + 2] = planes[2048 + i];
        }
        return pixels;
    }

    private static string[] Names(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static int[] PerClass(JsonElement report, string split) => report.GetProperty("splits").EnumerateArray()
        .Single(s => s.GetProperty("name").GetString() == split).GetProperty("perClass").EnumerateArray().Select(c => c.GetInt32()).ToArray();

    private static int[] Sum(int[] a, int[] b) => a.Zip(b, (x, y) => x + y).ToArray();
}
