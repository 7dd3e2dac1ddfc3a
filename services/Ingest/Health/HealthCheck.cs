using System.Diagnostics;
using Microsoft.Extensions.Options;
using Platform.Contracts.Datasets;
using Platform.Imaging;
using Platform.Imaging.Formats;
using Platform.Ingest.Datasets;
using Platform.Ingest.Sources;

namespace Platform.Ingest.Health;

/// <summary>
/// The health stage of an ingest, between the split and the shards: reads the accepted images once more, embeds them
/// (<see cref="ImageEmbedder"/>), runs <see cref="HealthAnalysis"/>, stores thumbnails of what it reports and returns the report
/// with the splits after leakage moves and the images to leave out. It never fails an ingest: when it cannot run, the report says
/// it was skipped and why, and the version publishes as drawn.
/// </summary>
public sealed class HealthCheck(ImageEmbedderProvider embedders, DatasetStore store, IOptions<IngestOptions> options, ILogger<HealthCheck> logger)
{
    public const string Preprocessing = "stretched to 128×128, BGR on the 0–255 scale minus the channel means of ResNetPreprocess.onnx, L2-normalised pooled features";

    public static DatasetHealthSettings SettingsFor(IngestSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new DatasetHealthSettings(settings.Health, settings.Leakage, settings.LabelErrors, HealthAnalysis.DefaultDuplicateThreshold,
            HealthAnalysis.DefaultProbeFolds, OutlierFence.DefaultFactor);
    }

    public async Task<HealthOutcome> RunAsync(string dataset, int version, IngestSettings settings, IIngestSource source,
        IReadOnlyList<HealthSample> samples, IReadOnlyList<string> classes, DecodeOptions decode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(classes);
        var healthSettings = SettingsFor(settings);
        var splits = samples.Select(s => s.Split).ToArray();
        var none = new bool[samples.Count];
        HealthOutcome Skipped(string reason) => new(DatasetHealthReport.Skipped(reason, healthSettings), splits, none);

        var limit = options.Value.HealthAutoMaxImages;
        if (settings.Health == HealthMode.Off)
        {
            return Skipped("health=off");
        }
        if (settings.Health == HealthMode.Auto && samples.Count > limit)
        {
            return Skipped($"health=auto checks uploads of up to {limit:N0} accepted images and this one has {samples.Count:N0}; upload with health=on to check it");
        }
        if (samples.Count < 2)
        {
            return Skipped("fewer than two accepted images");
        }
        if (embedders.TryGet(out var unavailable) is not { } embedder)
        {
            return Skipped(unavailable!);
        }

        var clock = Stopwatch.StartNew();
        var index = samples.Select((sample, i) => (sample.Key, i)).ToDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);
        var rgb = decode with { Channels = 3 };
        var embeddings = embedder.Embed(Images(source, index, rgb, cancellationToken), samples.Count, cancellationToken);
        var labels = samples.Select(s => s.Label).ToArray();
        var findings = HealthAnalysis.Run(embeddings, labels, splits, classes.Count, healthSettings, settings.Seed);

        // Thumbnails of what is reported, most important first: leaks, label issues, outliers, then their neighbours.
        var wanted = new List<int>();
        var neighbours = new Dictionary<int, List<SimilarPair>>();
        foreach (var pair in findings.Pairs)
        {
            wanted.Add(pair.Original);
            wanted.Add(pair.Copy);
        }
        foreach (var i in findings.LabelIssues.Select(issue => issue.Index).Concat(findings.Outliers.Select(o => o.Index)))
        {
            wanted.Add(i);
            neighbours[i] = embeddings.Nearest(i, HealthAnalysis.NeighbourCount);
        }
        wanted.AddRange(neighbours.Values.SelectMany(list => list.Select(n => n.Second)));
        var thumbnailed = wanted.Distinct().Take(options.Value.HealthMaxThumbnails).ToHashSet();
        await StoreThumbnailsAsync(dataset, version, source, samples, index, thumbnailed, rgb, cancellationToken);

        string? Thumbnail(int i) => thumbnailed.Contains(i) ? ThumbnailKeys.For(samples[i].Key) : null;
        string SplitName(int split) => IngestSettings.SplitNames[split];
        List<ImageNeighbour> Neighbours(int i) => neighbours[i]
            .Select(n => new ImageNeighbour(samples[n.Second].Key, classes[labels[n.Second]], Math.Round(n.Similarity, 4), Thumbnail(n.Second))).ToList();

        var pairs = findings.Pairs.Select(p => new NearDuplicatePair(samples[p.Original].Key, samples[p.Copy].Key,
            classes[labels[p.Original]], classes[labels[p.Copy]], SplitName(findings.Splits[p.Original]), SplitName(splits[p.Copy]),
            Math.Round(p.Similarity, 4), p.Leakage, p.Moved, Thumbnail(p.Original), Thumbnail(p.Copy))).ToList();
        var issues = findings.LabelIssues.OrderBy(issue => issue.GivenProbability).Select(issue => new LabelIssue(samples[issue.Index].Key,
            SplitName(findings.Splits[issue.Index]), classes[issue.Given], classes[issue.Suggested], Math.Round(issue.GivenProbability, 4),
            Math.Round(findings.Thresholds[issue.Given], 4), Math.Round(issue.SuggestedProbability, 4), Math.Round(findings.Thresholds[issue.Suggested], 4),
            findings.Excluded[issue.Index], Thumbnail(issue.Index), Neighbours(issue.Index))).ToList();
        var outliers = findings.Outliers.Select(o => new OutlierImage(samples[o.Index].Key, SplitName(findings.Splits[o.Index]),
            classes[labels[o.Index]], classes[o.NearestClass], Math.Round(o.Distance, 4), Thumbnail(o.Index), Neighbours(o.Index))).ToList();
        var moved = Enumerable.Range(0, samples.Count).Count(i => findings.Splits[i] != splits[i]);
        var model = new EmbeddingModelInfo(EmbeddingModel.Name, embedder.Model.Sha256, EmbeddingModel.Resolution, EmbeddingModel.Dimension, Preprocessing);
        logger.LogInformation("Health of {Dataset} v{Version}: {Images} images, {Pairs} near-duplicate pairs ({Moved} moved), {Issues} likely label errors, {Outliers} outliers in {Seconds:F1} s",
            dataset, version, samples.Count, pairs.Count, moved, issues.Count, outliers.Count, clock.Elapsed.TotalSeconds);
        return new HealthOutcome(new DatasetHealthReport(DatasetHealthStatus.Ran, null, healthSettings, model, samples.Count, moved,
            findings.Excluded.Count(e => e), pairs, issues, outliers, Math.Round(clock.Elapsed.TotalSeconds, 2)), findings.Splits, findings.Excluded);
    }

    private static IEnumerable<(int Index, ImageBuffer Image)> Images(IIngestSource source, IReadOnlyDictionary<string, int> index, DecodeOptions rgb,
        CancellationToken cancellationToken, IReadOnlySet<int>? only = null)
    {
        foreach (var item in source.Read(cancellationToken))
        {
            if (!index.TryGetValue(item.Key, out var i) || (only is not null && !only.Contains(i)))
            {
                continue;
            }
            var image = item switch
            {
                EncodedImageItem encoded => ImageDecoder.Decode(encoded.Bytes, rgb),
                DecodedImageItem decoded => decoded.Image.Channels == 3 ? decoded.Image : decoded.Image.WithChannels(3),
                _ => null,
            };
            if (image is not null)
            {
                yield return (i, image);
            }
        }
    }

    private async Task StoreThumbnailsAsync(string dataset, int version, IIngestSource source, IReadOnlyList<HealthSample> samples,
        IReadOnlyDictionary<string, int> index, IReadOnlySet<int> wanted, DecodeOptions rgb, CancellationToken cancellationToken)
    {
        if (wanted.Count == 0)
        {
            return;
        }
        foreach (var (i, image) in Images(source, index, rgb, cancellationToken, wanted))
        {
            var jpeg = ImageEncoder.Encode(ImageResizer.FitWithin(image, ThumbnailKeys.MaxSide), ImageFormat.Jpeg, ThumbnailKeys.JpegQuality);
            await store.WriteThumbnailAsync(dataset, version, ThumbnailKeys.For(samples[i].Key), jpeg, cancellationToken);
        }
    }
}
