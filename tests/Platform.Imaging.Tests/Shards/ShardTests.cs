using System.Security.Cryptography;
using Platform.Imaging.Data;
using Platform.Imaging.Shards;
using Platform.Imaging.Transforms;
using Platform.Imaging.Formats.Recipes;
using Platform.Imaging.Formats.Shards;
using Platform.Imaging.Formats;

namespace Platform.Imaging.Tests.Shards;

public sealed class ShardTests : IDisposable
{
    private static readonly string[] Classes = ["circle", "square", "triangle"];
    private readonly string _directory = Directory.CreateTempSubdirectory("shards-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ShardImageEncoding EncodingOf(int i) => (i % 3) switch
    {
        0 => ShardImageEncoding.Png,
        1 => ShardImageEncoding.RawPixels,
        _ => ShardImageEncoding.Jpeg,
    };

    private static ImageBuffer SampleImage(int i) => TestImages.Gradient(16, 16, salt: i * 17);

    private static byte[] SourceHash(int i) => SHA256.HashData(BitConverter.GetBytes(i));

    /// <summary>Writes 25 samples (PNG, raw and JPEG in turn) with a small target size so they spread over several shards.</summary>
    private IReadOnlyList<ShardDescriptor> WriteSamples(long targetBytes = 4096)
    {
        using var writer = new ShardWriter(name => File.Create(Path.Combine(_directory, name)), "train", targetBytes);
        for (var i = 0; i < 25; i++)
        {
            writer.Append(SampleImage(i), i % 3, EncodingOf(i), key: $"images/{i}.png", sourceSha256: SourceHash(i), quality: 95);
        }

        return writer.Complete();
    }

    private string[] PathsOf(IReadOnlyList<ShardDescriptor> shards) => [.. shards.Select(s => Path.Combine(_directory, s.Name))];

    [Fact]
    public void Writer_rolls_over_at_the_target_size_and_describes_each_shard()
    {
        var shards = WriteSamples();

        Assert.True(shards.Count > 3, $"expected several shards, got {shards.Count}");
        Assert.Equal(25, shards.Sum(s => s.Samples));
        Assert.Equal(shards.Count, shards.Select(s => s.Name).Distinct().Count());
        foreach (var shard in shards)
        {
            var bytes = File.ReadAllBytes(Path.Combine(_directory, shard.Name));
            Assert.Equal(bytes.Length, shard.Bytes);
            Assert.True(shard.Bytes <= 4096, $"{shard.Name} is {shard.Bytes} bytes");
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), shard.Sha256);
            Assert.Equal("PLSHARD1"u8.ToArray(), bytes[..8]);
        }
    }

    [Fact]
    public void Sequential_reading_returns_every_record_in_write_order()
    {
        var shards = WriteSamples();

        var records = new List<ShardRecord>();
        foreach (var path in PathsOf(shards))
        {
            using var reader = new ShardReader(File.OpenRead(path), Path.GetFileName(path));
            records.AddRange(reader.ReadRecords());
        }

        Assert.Equal(25, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(i % 3, records[i].Label);
            Assert.Equal($"images/{i}.png", records[i].Key);
            Assert.Equal(EncodingOf(i), records[i].Encoding);
            Assert.Equal(SourceHash(i), records[i].SourceSha256);
            AssertSameImage(SampleImage(i), records[i].ToImage(), EncodingOf(i));
        }
    }

    [Fact]
    public void Random_access_reads_any_sample_across_shards()
    {
        var shards = WriteSamples();
        using var dataset = ShardDataset.Open(PathsOf(shards), Classes);

        Assert.Equal(25, dataset.Count);
        foreach (var i in new[] { 24, 0, 13, 7 })
        {
            Assert.Equal(i % 3, dataset.GetLabel(i));
            AssertSameImage(SampleImage(i), dataset.Load(i), EncodingOf(i));
        }
    }

    [Fact]
    public void Random_access_detects_a_corrupted_payload()
    {
        var shards = WriteSamples();
        var path = PathsOf(shards)[0];
        var bytes = File.ReadAllBytes(path);
        bytes[16 + ShardFormatOffsets.FirstPayload("images/0.png") + 10] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        using var dataset = ShardDataset.Open(PathsOf(shards), Classes);
        var error = Assert.Throws<InvalidDataException>(() => dataset.Load(0));
        Assert.Contains("SHA-256", error.Message);
        Assert.Equal(1, dataset.GetLabel(1)); // other records stay readable
        dataset.Load(1);
    }

    [Fact]
    public void Sequential_reading_detects_a_corrupted_payload()
    {
        var shards = WriteSamples();
        var bytes = File.ReadAllBytes(PathsOf(shards)[0]);
        bytes[16 + ShardFormatOffsets.FirstPayload("images/0.png") + 10] ^= 0xFF;

        using var reader = new ShardReader(new MemoryStream(bytes));
        Assert.Throws<InvalidDataException>(() => reader.ReadRecords().ToList());
    }

    [Fact]
    public void Truncated_shards_are_rejected_by_both_readers()
    {
        var shards = WriteSamples();
        var path = PathsOf(shards)[0];
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^30]);

        using var reader = new ShardReader(new MemoryStream(bytes[..^30]));
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => reader.ReadRecords().ToList()).Message);
        Assert.Throws<InvalidDataException>(() => ShardDataset.Open([path], Classes));
    }

    [Fact]
    public void Whole_file_hash_check_detects_any_change()
    {
        var shards = WriteSamples();
        var path = PathsOf(shards)[1];
        ShardFiles.Verify(path, shards[1].Bytes, shards[1].Sha256);

        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Throws<InvalidDataException>(() => ShardFiles.Verify(path, shards[1].Bytes, shards[1].Sha256));
    }

    [Fact]
    public void Manifest_survives_a_json_round_trip()
    {
        var manifest = ManifestFor(WriteSamples());
        var restored = DatasetManifest.FromJson(manifest.ToJson());

        Assert.Equal(manifest.Name, restored.Name);
        Assert.Equal(manifest.Classes, restored.Classes);
        Assert.Equal(manifest.Size, restored.Size);
        Assert.Equal(manifest.Mean, restored.Mean);
        Assert.Equal(manifest.Std, restored.Std);
        Assert.Equal(manifest.Shards, restored.Shards);
        Assert.Equal(manifest.Sources, restored.Sources);
        Assert.Equal(manifest.CreatedAt, restored.CreatedAt);
        Assert.Equal(manifest.Splits.Single().PerClass, restored.Splits.Single().PerClass);
    }

    [Fact]
    public void Manifest_with_inconsistent_counts_is_rejected()
    {
        var manifest = ManifestFor(WriteSamples());
        var broken = manifest with { Splits = [new SplitSummary("train", 25, [9, 8, 7])] };
        Assert.Throws<InvalidDataException>(() => broken.ToJson());
    }

    [Fact]
    public void A_manifest_split_opens_as_a_dataset_and_feeds_the_loader()
    {
        var manifest = ManifestFor(WriteSamples());
        using var dataset = ShardDataset.Open(manifest, "train", _directory);
        var loader = new DataLoader(dataset, new TransformPipeline(TransformRecipe.Eval(8, manifest.Mean, manifest.Std)),
            new SequentialSampler(dataset.Count), new LoaderOptions(BatchSize: 10, Workers: 2));

        var batches = loader.ReadEpoch(0).ToList();

        Assert.Equal([10, 10, 5], batches.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)(i % 3)), batches.SelectMany(b => b.Labels));
    }

    [Fact]
    public void Opening_a_split_checks_shard_hashes_against_the_manifest()
    {
        var shards = WriteSamples();
        var manifest = ManifestFor(shards);
        var path = PathsOf(shards)[0];
        var bytes = File.ReadAllBytes(path);
        bytes[20] ^= 1;
        File.WriteAllBytes(path, bytes);

        Assert.Throws<InvalidDataException>(() => ShardDataset.Open(manifest, "train", _directory));
    }

    private static DatasetManifest ManifestFor(IReadOnlyList<ShardDescriptor> shards) => new(
        "shapes", "v1", Classes, 3, new ImageSize(16, 16), [0.5f, 0.4f, 0.3f], [0.2f, 0.2f, 0.25f],
        [new SplitSummary("train", 25, [9, 8, 8])],
        [.. shards.Select(s => new ManifestShard("train", s.Name, s.Samples, s.Bytes, s.Sha256))],
        [new SourceFile("upload.zip", Convert.ToHexStringLower(SourceHash(99)))],
        new DateTimeOffset(2026, 11, 27, 23, 30, 0, TimeSpan.Zero));

    private static void AssertSameImage(ImageBuffer expected, ImageBuffer actual, ShardImageEncoding encoding)
    {
        Assert.Equal((expected.Width, expected.Height, expected.Channels), (actual.Width, actual.Height, actual.Channels));
        if (encoding == ShardImageEncoding.Jpeg)
        {
            var meanError = expected.Pixels.Zip(actual.Pixels, (a, b) => Math.Abs(a - b)).Average();
            // The gradient has a wrapping blue ramp that 4:2:0 chroma subsampling blurs; unrelated images differ by ~85.
            Assert.True(meanError < 12, $"JPEG mean error {meanError}");
        }
        else
        {
            Assert.Equal(expected.Pixels, actual.Pixels);
        }
    }

    private static class ShardFormatOffsets
    {
        /// <summary>Offset from the end of the file header to the first record's payload (record header, then key).</summary>
        public static int FirstPayload(string key) => 88 + System.Text.Encoding.UTF8.GetByteCount(key);
    }
}
