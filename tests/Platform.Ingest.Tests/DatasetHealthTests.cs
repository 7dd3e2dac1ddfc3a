using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Contracts.Datasets;
using Platform.Imaging;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;
using Platform.Ingest.Datasets;
using Platform.Ingest.Health;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ingest.Tests;

/// <summary>The health check's parts on real images: embeddings, near-duplicates and leakage, confident learning, a missing model.</summary>
public sealed class DatasetHealthTests(ITestOutputHelper output)
{
    private static readonly DatasetHealthSettings Defaults = HealthCheck.SettingsFor(IngestSettings.Default);

    [Fact]
    public void Planted_copies_across_train_and_test_are_all_found_and_moved_and_a_clean_300_image_subset_has_no_pair()
    {
        // 300 distinct art4apps pictures (exact copies dropped as ingest drops them), split 8:1:1 by position.
        var decode = new DecodeOptions(3);
        var files = new[] { "animals", "food", "fruit_n_veg", "jobs", "construction" }
            .SelectMany(c => Directory.GetFiles(Path.Combine(RepositoryPaths.Art4Apps, c), "*.jpg").Order(StringComparer.Ordinal))
            .Select(File.ReadAllBytes).DistinctBy(bytes => Convert.ToHexString(SHA256.HashData(bytes))).Take(300).ToList();
        var clean = files.Select(bytes => ImageDecoder.Decode(bytes, decode)).ToList();
        var splits = clean.Select((_, i) => i % 10 < 8 ? 0 : i % 10 == 8 ? 1 : 2).ToList();
        // 12 copies of training pictures, planted in test: 4 resized (0.5–1.5×), 4 recompressed (JPEG 30–70), 4 cropped (90–95 %).
        var random = new Random(7);
        var originals = Enumerable.Range(0, 12).Select(k => k * 20 + 1).ToList();
        Assert.All(originals, i => Assert.Equal(0, splits[i]));
        var images = clean.Concat(originals.Select((i, k) => HealthTestModel.PlantedCopy(clean[i], k, random))).ToList();
        var all = HealthTestModel.Embed(images);

        var (pairs, moved) = HealthAnalysis.NearDuplicates(all, splits.Concat(Enumerable.Repeat(2, 12)).ToList(), Defaults.DuplicateThreshold, LeakagePolicy.Move);
        for (var k = 0; k < 12; k++)
        {
            var copy = clean.Count + k;
            var found = pairs.SingleOrDefault(p => p.Copy == copy && p.Original == originals[k]);
            output.WriteLine($"copy {k} (kind {k % 3}): similarity {all.Similarity(originals[k], copy):F3}");
            Assert.NotNull(found);
            Assert.True(found.Leakage && found.Moved);
            Assert.Equal(0, moved[copy]);
        }
        output.WriteLine($"{pairs.Count} pairs in all: " + string.Join(", ", pairs.Select(p => $"{p.Original}~{p.Copy} {p.Similarity:F3}")));

        var cleanSet = new EmbeddingSet(all.Values[..(clean.Count * all.Dimension)], all.Dimension);
        var (cleanPairs, cleanSplits) = HealthAnalysis.NearDuplicates(cleanSet, splits, Defaults.DuplicateThreshold, LeakagePolicy.Move);
        Assert.Empty(cleanPairs);
        Assert.Equal(splits, cleanSplits);
    }

    [Fact]
    public void Five_percent_flipped_labels_are_found_with_precision_and_recall_of_at_least_one_half_and_clean_labels_give_few_reports()
    {
        // Fashion-MNIST test images of four classes ImageNet features tell apart (trouser, dress, sneaker, bag): the probe's accuracy
        // bounds confident learning's precision, and 28² garments upscaled to 128² are far from ImageNet.
        int[] kept = [1, 3, 7, 8];
        var folder = RepositoryPaths.FashionMnistFolder;
        var source = IdxDataset.Open(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), IdxDataset.FashionMnistClasses);
        var chosen = Enumerable.Range(0, source.Count).Where(i => kept.Contains(source.GetLabel(i))).Take(200).ToList();
        var labels = chosen.Select(i => Array.IndexOf(kept, source.GetLabel(i))).ToArray();
        var set = HealthTestModel.Embed(chosen.Select(source.Load).ToList());
        var splits = new int[labels.Length];

        var cleanIssues = HealthAnalysis.Run(set, labels, splits, kept.Length, Defaults, seed: 42).LabelIssues;
        var random = new Random(11);
        var flipped = labels.ToArray();
        var flips = Enumerable.Range(0, labels.Length).OrderBy(_ => random.Next()).Take(labels.Length / 20).ToHashSet();
        foreach (var i in flips)
        {
            flipped[i] = (labels[i] + 1 + random.Next(kept.Length - 1)) % kept.Length;
        }
        var findings = HealthAnalysis.Run(set, flipped, splits, kept.Length, Defaults with { LabelErrors = LabelErrorPolicy.Exclude }, seed: 42);
        var found = findings.LabelIssues.Count(issue => flips.Contains(issue.Index));
        var precision = found / (double)Math.Max(1, findings.LabelIssues.Count);
        var recall = found / (double)flips.Count;
        output.WriteLine($"clean: {cleanIssues.Count} of {labels.Length} reported; flipped {flips.Count}: {findings.LabelIssues.Count} reported, {found} flipped: precision {precision:F2}, recall {recall:F2}");

        Assert.True(precision >= 0.5, $"precision {precision:F2}");
        Assert.True(recall >= 0.5, $"recall {recall:F2}");
        Assert.True(cleanIssues.Count <= labels.Length * 0.03, $"{cleanIssues.Count} reports on clean labels");
        // Suggested labels of the flipped images found are their true labels, and exclusion leaves out exactly the reported images.
        Assert.All(findings.LabelIssues.Where(issue => flips.Contains(issue.Index)), issue => Assert.Equal(labels[issue.Index], issue.Suggested));
        Assert.Equal(findings.LabelIssues.Select(issue => issue.Index).Order(), Enumerable.Range(0, labels.Length).Where(i => findings.Excluded[i]));
    }

    [Fact]
    public void Embeddings_are_unit_vectors_and_the_same_images_give_the_same_embeddings()
    {
        var images = Directory.GetFiles(Path.Combine(RepositoryPaths.Art4Apps, "transport"), "*.jpg").Order(StringComparer.Ordinal).Take(5)
            .Select(file => ImageDecoder.Decode(File.ReadAllBytes(file), new DecodeOptions(3))).ToList();
        var first = HealthTestModel.Embed(images);
        var again = HealthTestModel.Embedder.Embed(images.Select((image, i) => (i, image)).Reverse(), images.Count);

        Assert.Equal(first.Values, again.Values);
        Assert.All(Enumerable.Range(0, 5), i => Assert.InRange(first.Similarity(i, i), 0.9999f, 1.0001f));
    }

    [Fact]
    public async Task Without_the_model_the_check_is_skipped_with_a_reason_that_names_no_server_path_and_leaves_the_splits()
    {
        var options = Options.Create(new IngestOptions { HealthModelPath = Path.Combine(Path.GetTempPath(), "no-such-folder", "ResNet18.onnx") });
        var check = new HealthCheck(new ImageEmbedderProvider(options, NullLogger<ImageEmbedderProvider>.Instance),
            new DatasetStore(new BlobServiceClient("UseDevelopmentStorage=true"), TimeProvider.System), options, NullLogger<HealthCheck>.Instance);
        HealthSample[] samples = [new("a/1.png", 0, 0), new("a/2.png", 0, 2), new("b/3.png", 1, 1)];

        var outcome = await check.RunAsync("pets", 1, IngestSettings.Default with { Health = HealthMode.On }, new EmptyIngestSource(), samples, ["a", "b"],
            new DecodeOptions(3), CancellationToken.None);

        Assert.Equal(DatasetHealthStatus.Skipped, outcome.Report.Status);
        Assert.Contains("not installed", outcome.Report.Reason);
        Assert.DoesNotContain("no-such-folder", outcome.Report.Reason);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), outcome.Report.Reason);
        Assert.Equal([0, 2, 1], outcome.Splits);
        Assert.DoesNotContain(true, outcome.Excluded);
    }

    [Theory]
    [InlineData("health=sometimes", "health")]
    [InlineData("leakage=drop", "leakage")]
    [InlineData("labelErrors=relabel", "labelErrors")]
    public void Unknown_health_options_are_refused_by_name(string query, string key)
    {
        var (_, errors) = IngestQuery.Parse(new Microsoft.AspNetCore.Http.QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)));
        Assert.Contains(key, errors.Keys);
    }
}
