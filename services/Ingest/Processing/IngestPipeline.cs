using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Platform.Imaging;
using Platform.Imaging.Shards;
using Platform.Ingest.Datasets;
using Platform.Ingest.Health;
using Platform.Ingest.Sources;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Shards;
using Platform.Imaging.Data;
using Platform.Contracts.Datasets;
using Platform.Contracts.Naming;

namespace Platform.Ingest.Processing;

/// <summary>
/// Turns an upload into a published dataset version. Pass 1 reads every file, decodes it to validate it
/// and decides its label; duplicates and label conflicts are resolved and the accepted samples are split.
/// Pass 2 reads the upload again and writes the accepted samples (and oversampled copies) to shards. The
/// manifest is written last, so a version is either complete or invisible.
/// </summary>
public sealed class IngestPipeline(DatasetStore store, HealthCheck healthCheck, IOptions<IngestOptions> options, TimeProvider time)
{
    private const int MinimumImagesPerClass = 10;
    private const int RawEncodingMaxPixels = 64 * 64;

    /// <param name="StoredLength">Bytes of the original kept: up to the image's own end, so no trailing payload is stored.</param>
    private sealed record Candidate(string Key, string? Label, string Sha256, int Width, int Height, bool KeepOriginal, ShardImageEncoding OriginalEncoding,
        int? PresetSplit = null, int StoredLength = 0);

    private sealed record Planned(int Label, int Split, int Copies);

    public async Task<IngestResult> RunAsync(
        DatasetVersionRecord record,
        IIngestSource source,
        IReadOnlyList<SourceFile> uploads,
        IngestProgressCounter progress,
        CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var settings = record.Settings;
        var channels = settings.Channels ?? source.NaturalChannels;
        var decodeOptions = new DecodeOptions(channels, limits.MaxFileBytes, limits.MaxImagePixels);
        var rejected = new List<RejectedFile>();
        var notes = new List<string>();

        // Pass 1: validate, label.
        progress.Stage = "reading";
        var candidates = new List<Candidate>();
        var annotationFiles = new List<AnnotationItem>();
        var trailingPayloads = 0;
        foreach (var item in source.Read(cancellationToken))
        {
            progress.FileRead();
            switch (item)
            {
                case RejectedItem rejection:
                    rejected.Add(new RejectedFile(rejection.Key, rejection.Reason, rejection.Detail));
                    progress.Rejected();
                    break;
                case AnnotationItem annotation:
                    annotationFiles.Add(annotation);
                    break;
                case EncodedImageItem encoded when Validate(encoded, decodeOptions, settings.Size) is var (candidate, problem):
                    if (candidate is not null)
                    {
                        candidates.Add(candidate);
                        if (candidate.KeepOriginal && candidate.StoredLength < encoded.Bytes.Length)
                        {
                            trailingPayloads++;
                        }
                    }
                    else
                    {
                        rejected.Add(problem!);
                        progress.Rejected();
                    }
                    break;
                case DecodedImageItem decoded:
                    candidates.Add(new Candidate(decoded.Key, decoded.Label, Sha256Hex(decoded.Image.Pixels),
                        decoded.Image.Width, decoded.Image.Height, KeepOriginal: false, ShardImageEncoding.RawPixels, decoded.PresetSplit));
                    break;
            }
        }

        if (trailingPayloads > 0)
        {
            notes.Add($"{trailingPayloads} image(s) carried data after the image's end (another file appended to it); only the image was stored");
        }
        var labelSource = AssignLabels(candidates, annotationFiles, rejected, notes, out var labelled);
        foreach (var invalid in labelled.Where(c => ClassLabels.Problem(c.Label!) is not null).ToList())
        {
            // Annotation labels were checked where they were read; this catches class folders and IDX class names.
            rejected.Add(new RejectedFile(invalid.Key, "invalid-label", $"'{ArchivePaths.ForDisplay(invalid.Label!)}': {ClassLabels.Problem(invalid.Label!)}"));
            labelled.Remove(invalid);
        }
        if (settings.AllowedClasses is { } allowed)
        {
            foreach (var unknown in labelled.Where(c => !allowed.Contains(c.Label!)).ToList())
            {
                rejected.Add(new RejectedFile(unknown.Key, "unknown-label", $"'{unknown.Label}' is not one of the classes asked for ({string.Join(", ", allowed)})"));
                labelled.Remove(unknown);
            }
        }
        var (kept, duplicates, conflicts) = Deduplicate(labelled, rejected);

        var classes = ClassOrder(kept.Select(c => c.Label!).ToHashSet(StringComparer.Ordinal), settings, source.ClassOrder);
        var classIndex = classes.Select((name, index) => (name, index)).ToDictionary(p => p.name, p => p.index);
        var labels = kept.Select(c => classIndex[c.Label!]).ToArray();
        var splits = Split(kept, labels, settings);
        var warnings = Warnings(classes, labels, splits, settings);
        warnings.AddRange(notes);
        progress.ResetOutcome();
        progress.Rejected(rejected.Count);
        progress.Accepted(kept.Count);

        if (kept.Count == 0)
        {
            // The sentence names what went wrong most often, so a user sees "bad-annotation-row" or "unlabelled" without opening the report.
            var reasons = string.Join(", ", rejected.GroupBy(r => r.Reason).OrderByDescending(g => g.Count()).Take(4).Select(g => $"{g.Count()} {g.Key}"));
            throw new NothingToPublishException(
                $"No valid, labelled image was found in the upload{(rejected.Count > 0 ? $": {rejected.Count} file(s) or rows rejected ({reasons}); the report lists each" : "")}.",
                new IngestReport(classes, [], channels, null, [], [], duplicates, conflicts, rejected, warnings, null, labelSource));
        }

        // Health (near-duplicates, leakage, label errors, outliers) before balancing, so the plans see the splits as published.
        progress.Stage = "checking health";
        var health = await healthCheck.RunAsync(record.Name, record.Version, settings, source,
            kept.Select((candidate, i) => new HealthSample(candidate.Key, labels[i], splits[i])).ToList(), classes, decodeOptions, cancellationToken);
        splits = health.Splits;
        if (health.Report.Moved > 0)
        {
            warnings.Add($"{health.Report.Moved} near-duplicate(s) of images in an earlier split were moved into that split (leakage=move); the health report lists them");
        }
        if (health.Report.Excluded > 0)
        {
            var included = Enumerable.Range(0, kept.Count).Where(i => !health.Excluded[i]).ToArray();
            kept = included.Select(i => kept[i]).ToList();
            labels = included.Select(i => labels[i]).ToArray();
            splits = included.Select(i => splits[i]).ToArray();
            warnings.Add($"{health.Report.Excluded} likely label error(s) were left out (labelErrors=exclude); the health report lists them");
        }

        var copies = OversamplingPlan(labels, splits, classes.Count, settings);
        var leftOut = UndersamplingPlan(labels, splits, kept.Select(c => c.Sha256 + c.Key).ToList(), classes.Count, settings);
        var plan = new Dictionary<string, Planned>();
        var removed = new int[classes.Count];
        for (var i = 0; i < kept.Count; i++)
        {
            if (leftOut[i])
            {
                removed[labels[i]]++;
                continue;
            }
            plan[kept[i].Key] = new Planned(labels[i], splits[i], copies[i]);
        }
        var imbalance = ImbalanceRatio(classes, labels, splits, copies, leftOut, warnings);

        // Pass 2: write shards.
        progress.WillWrite(plan.Count + copies.Sum());
        progress.Stage = "writing shards";
        var writers = IngestSettings.SplitNames.Select(split => new ShardWriter(
            shardName => store.OpenShardForWrite(record.Name, record.Version, shardName), split, limits.ShardTargetBytes)).ToArray();
        var statistics = new ChannelStatisticsAccumulator(channels);
        var perSplitCounts = new int[3, classes.Count];
        var added = new int[classes.Count];
        var sizes = new HashSet<(int, int)>();
        var keepByKey = kept.ToDictionary(c => c.Key);
        try
        {
            foreach (var item in source.Read(cancellationToken))
            {
                if (!plan.TryGetValue(item.Key, out var planned))
                {
                    continue;
                }
                var candidate = keepByKey[item.Key];
                var image = item switch
                {
                    EncodedImageItem encoded => ImageDecoder.Decode(encoded.Bytes, decodeOptions),
                    DecodedImageItem decoded => decoded.Image.Channels == channels ? decoded.Image : decoded.Image.WithChannels(channels),
                    _ => throw new InvalidOperationException($"'{item.Key}' changed between the two reads of the upload."),
                };
                if (settings.Size is { } size)
                {
                    image = ImageReshaper.ToSquare(image, size);
                }
                var writer = writers[planned.Split];
                var sourceHash = Convert.FromHexString(candidate.Sha256);
                if (candidate.KeepOriginal && item is EncodedImageItem original)
                {
                    writer.AppendEncoded(original.Bytes.AsSpan(0, candidate.StoredLength), candidate.OriginalEncoding, image.Width, image.Height, image.Channels, planned.Label, item.Key, sourceHash);
                }
                else
                {
                    writer.Append(image, planned.Label, image.Width * image.Height <= RawEncodingMaxPixels ? ShardImageEncoding.RawPixels : ShardImageEncoding.Png, item.Key, sourceHash);
                }
                sizes.Add((image.Width, image.Height));
                perSplitCounts[planned.Split, planned.Label]++;
                progress.Wrote();
                if (planned.Split == StratifiedSplitter.Train)
                {
                    statistics.Add(image);
                }
                for (var copy = 1; copy <= planned.Copies; copy++)
                {
                    var augmented = ImageReshaper.AugmentedCopy(image, settings.Seed, HashCode.Combine(copy, candidate.Sha256.GetHashCode(StringComparison.Ordinal)) & int.MaxValue);
                    writer.Append(augmented, planned.Label,
                        augmented.Width * augmented.Height <= RawEncodingMaxPixels ? ShardImageEncoding.RawPixels : ShardImageEncoding.Png,
                        $"{item.Key}#oversample-{copy}", sourceHash);
                    sizes.Add((augmented.Width, augmented.Height));
                    perSplitCounts[planned.Split, planned.Label]++;
                    added[planned.Label]++;
                    progress.Wrote();
                }
            }
            var shards = writers.SelectMany((writer, split) => writer.Complete()
                .Select(shard => new ManifestShard(IngestSettings.SplitNames[split], shard.Name, shard.Samples, shard.Bytes, shard.Sha256))).ToList();

            progress.Stage = "publishing";
            var splitSummaries = IngestSettings.SplitNames.Select((name, split) =>
            {
                var perClass = Enumerable.Range(0, classes.Count).Select(label => perSplitCounts[split, label]).ToArray();
                return new SplitSummary(name, perClass.Sum(), perClass);
            }).ToList();
            var imageSize = sizes.Count == 1 ? new ImageSize(sizes.First().Item1, sizes.First().Item2) : null;
            // A dataset too small to put an image in the training split still publishes; its statistics are zero.
            var (mean, std, _) = statistics.Pixels > 0 ? statistics.Result() : new ChannelStatistics(new float[channels], new float[channels], 0);
            var balancing = settings.Balance switch
            {
                BalanceMethod.Oversample => new BalancingReport(BalanceMethod.Oversample, settings.BalanceRatio, PerClass(classes, added)),
                BalanceMethod.Undersample => new BalancingReport(BalanceMethod.Undersample, settings.BalanceRatio, PerClass(classes, added), PerClass(classes, removed)),
                _ => null,
            };
            var manifest = new DatasetManifest(record.Name, $"v{record.Version}", classes, channels, imageSize, mean, std,
                splitSummaries, shards, uploads, time.GetUtcNow(), Health: ManifestHealthOf(health.Report)).Validated();
            var report = new IngestReport(classes, splitSummaries, channels, imageSize, mean, std, duplicates, conflicts, rejected, warnings, balancing, labelSource,
                imbalance, health.Report);
            var manifestUri = await store.WriteManifestAsync(manifest, record.Name, record.Version, cancellationToken);
            return new IngestResult(manifest, manifestUri, report);
        }
        finally
        {
            foreach (var writer in writers)
            {
                writer.Dispose();
            }
        }
    }

    private static ManifestHealth ManifestHealthOf(DatasetHealthReport health)
    {
        var settings = health.Settings;
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return new ManifestHealth(health.Status == DatasetHealthStatus.Ran ? "ran" : "skipped", health.Reason, health.Model?.Name, health.Model?.Sha256,
            health.Model?.Resolution,
            new Dictionary<string, string>
            {
                ["mode"] = settings.Mode.ToString().ToLowerInvariant(),
                ["leakage"] = settings.Leakage.ToString().ToLowerInvariant(),
                ["labelErrors"] = settings.LabelErrors.ToString().ToLowerInvariant(),
                ["duplicateThreshold"] = settings.DuplicateThreshold.ToString(invariant),
                ["probeFolds"] = settings.ProbeFolds.ToString(invariant),
                ["outlierFence"] = settings.OutlierFence.ToString(invariant),
            },
            health.Moved, health.Excluded);
    }

    private static (Candidate? Candidate, RejectedFile? Problem) Validate(EncodedImageItem item, DecodeOptions decodeOptions, int? resizeTo)
    {
        try
        {
            var header = ImageDecoder.ReadHeader(item.Bytes, decodeOptions);
            var image = ImageDecoder.Decode(item.Bytes, decodeOptions);
            var encoding = header.Format switch
            {
                ImageFormat.Jpeg => ShardImageEncoding.Jpeg,
                ImageFormat.Png => ShardImageEncoding.Png,
                ImageFormat.Webp => ShardImageEncoding.Webp,
                _ => (ShardImageEncoding?)null,
            };
            // The original bytes are kept when they already are the normalised image: no resize, upright, a shard format, and a
            // structure walked to its end (what follows the end is cut; a file whose end cannot be found is re-encoded instead).
            var end = EncodedImageEnd.Find(item.Bytes, header.Format);
            var keep = encoding is not null && resizeTo is null && header.Origin == SkiaSharp.SKEncodedOrigin.TopLeft && end is not null;
            return (new Candidate(item.Key, item.FolderLabel, Sha256Hex(item.Bytes), image.Width, image.Height, keep,
                encoding ?? ShardImageEncoding.Png, StoredLength: end ?? 0), null);
        }
        catch (ImageRejectedException exception)
        {
            return (null, new RejectedFile(item.Key, ReasonCode(exception.Reason), exception.Message));
        }
    }

    public static string ReasonCode(RejectionReason reason) => reason switch
    {
        RejectionReason.Empty => "empty",
        RejectionReason.TooLarge => "too-large",
        RejectionReason.UnsupportedFormat => "unsupported-format",
        RejectionReason.Corrupt => "corrupt",
        RejectionReason.Truncated => "truncated",
        RejectionReason.TooManyPixels => "too-many-pixels",
        RejectionReason.ExtremeAspectRatio => "extreme-aspect-ratio",
        _ => reason.ToString().ToLowerInvariant(),
    };

    private static string AssignLabels(List<Candidate> candidates, List<AnnotationItem> annotationFiles, List<RejectedFile> rejected,
        List<string> notes, out List<Candidate> labelled)
    {
        // YOLO label files are .txt files beside a classes.txt; without one, a .txt is just a stray text file.
        var yoloClasses = annotationFiles.Where(f => DetectionAnnotations.IsYoloClassList(f.Key)).Select(DetectionAnnotations.YoloClasses).FirstOrDefault();
        bool IsText(AnnotationItem file) => Path.GetExtension(file.Key).Equals(".txt", StringComparison.OrdinalIgnoreCase);
        foreach (var text in annotationFiles.Where(f => IsText(f) && yoloClasses is null && !LabelListAnnotations.IsLabelList(f)))
        {
            rejected.Add(new RejectedFile(text.Key, "not-an-image",
                "'.txt' files are neither images nor annotation files (YOLO labels come with a classes.txt; label lists hold 'label' or 'path label' lines)"));
        }
        annotationFiles = annotationFiles.Where(f => !IsText(f)
            || (yoloClasses is not null ? !DetectionAnnotations.IsYoloClassList(f.Key) : LabelListAnnotations.IsLabelList(f))).ToList();
        if (annotationFiles.Count == 0)
        {
            labelled = [];
            foreach (var candidate in candidates)
            {
                if (candidate.Label is null)
                {
                    rejected.Add(new RejectedFile(candidate.Key, "unlabelled", "the image is not inside a class folder and no annotation file labels it"));
                }
                else
                {
                    labelled.Add(candidate);
                }
            }
            return candidates.All(c => c.OriginalEncoding == ShardImageEncoding.RawPixels && !c.KeepOriginal) ? "source labels" : "class folders";
        }

        var byPath = new Dictionary<string, Annotation>(StringComparer.Ordinal);
        var contradicted = new HashSet<string>(StringComparer.Ordinal);
        var images = new ImagePathIndex(candidates.Select(c => c.Key));
        foreach (var file in annotationFiles)
        {
            var (parsed, problems, fileNotes) = DetectionAnnotations.TryParse(file, images, yoloClasses)
                ?? (IsText(file) ? LabelListAnnotations.Parse(file, images) : Annotations.Parse(file));
            var labels = DetectionAnnotations.Relocated(parsed, file, images);
            rejected.AddRange(problems.Select(p => new RejectedFile(p.Key, p.Reason, p.Detail)));
            notes.AddRange(fileNotes);
            foreach (var annotation in labels)
            {
                if (byPath.TryGetValue(annotation.ImagePath, out var earlier) && earlier.Label != annotation.Label)
                {
                    contradicted.Add(annotation.ImagePath);
                    rejected.Add(new RejectedFile(annotation.Origin, "label-conflict",
                        $"'{annotation.ImagePath}' is labelled '{earlier.Label}' by {earlier.Origin} and '{annotation.Label}' here"));
                }
                byPath[annotation.ImagePath] = annotation;
            }
        }
        var present = candidates.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        var alreadyRejected = rejected.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var annotation in byPath.Values.Where(a => !present.Contains(a.ImagePath) && !alreadyRejected.Contains(a.ImagePath)))
        {
            rejected.Add(new RejectedFile(annotation.Origin, "annotation-missing-file", $"'{annotation.ImagePath}' is not in the upload"));
        }
        labelled = [];
        foreach (var candidate in candidates)
        {
            if (contradicted.Contains(candidate.Key))
            {
                continue;
            }
            if (byPath.TryGetValue(candidate.Key, out var annotation))
            {
                labelled.Add(candidate with { Label = annotation.Label });
            }
            else
            {
                rejected.Add(new RejectedFile(candidate.Key, "unlabelled", "no annotation file labels this image"));
            }
        }
        return "annotations";
    }

    /// <summary>
    /// Classes in the order the user named them (classes or classNames), else in the source's own order (CIFAR's
    /// meta file), else numerically when every label is a number (IDX without names), else ordinally.
    /// </summary>
    private static List<string> ClassOrder(IReadOnlySet<string> present, IngestSettings settings, IReadOnlyList<string>? sourceOrder)
    {
        if ((settings.AllowedClasses ?? settings.ClassNames ?? sourceOrder) is { } named)
        {
            return named.Where(present.Contains).Concat(present.Except(named).Order(StringComparer.Ordinal)).ToList();
        }
        return present.All(label => int.TryParse(label, out _))
            ? present.OrderBy(label => int.Parse(label, System.Globalization.CultureInfo.InvariantCulture)).ToList()
            : present.Order(StringComparer.Ordinal).ToList();
    }

    private static (List<Candidate> Kept, List<DuplicateGroup> Duplicates, List<LabelConflict> Conflicts) Deduplicate(
        List<Candidate> labelled, List<RejectedFile> rejected)
    {
        var kept = new List<Candidate>();
        var duplicates = new List<DuplicateGroup>();
        var conflicts = new List<LabelConflict>();
        foreach (var group in labelled.GroupBy(c => c.Sha256))
        {
            var members = group.ToList();
            var groupLabels = members.Select(c => c.Label!).Distinct(StringComparer.Ordinal).ToList();
            if (groupLabels.Count > 1)
            {
                conflicts.Add(new LabelConflict(group.Key, members.Select(c => c.Key).ToList(), groupLabels));
                rejected.AddRange(members.Select(c => new RejectedFile(c.Key, "label-conflict",
                    $"the same image appears under the labels {string.Join(", ", groupLabels)}; none is kept")));
                continue;
            }
            kept.Add(members[0]);
            if (members.Count > 1)
            {
                duplicates.Add(new DuplicateGroup(members[0].Key, members.Skip(1).Select(c => c.Key).ToList(), group.Key));
                rejected.AddRange(members.Skip(1).Select(c => new RejectedFile(c.Key, "duplicate", $"identical to '{members[0].Key}'")));
            }
        }
        return (kept, duplicates, conflicts);
    }

    private static List<string> Warnings(List<string> classes, int[] labels, int[] splits, IngestSettings settings)
    {
        var warnings = new List<string>();
        for (var label = 0; label < classes.Count; label++)
        {
            var count = labels.Count(l => l == label);
            if (count < MinimumImagesPerClass)
            {
                warnings.Add($"class '{classes[label]}' has only {count} image(s); at least {MinimumImagesPerClass} are advisable");
            }
            if (count < 3 && (settings.ValidationFraction > 0 || settings.TestFraction > 0))
            {
                warnings.Add($"class '{classes[label]}' is too small to split: all {count} image(s) went to train");
            }
        }
        return warnings;
    }

    /// <summary>
    /// The split of each sample. Samples whose source fixes their split (CIFAR's test batch) keep it; when a source
    /// fixes the test split, the others are split into train and val alone, in the proportion asked.
    /// </summary>
    private static int[] Split(List<Candidate> kept, int[] labels, IngestSettings settings)
    {
        var free = Enumerable.Range(0, kept.Count).Where(i => kept[i].PresetSplit is null).ToArray();
        var presetTest = free.Length < kept.Count;
        var validationFraction = presetTest ? settings.ValidationFraction / (settings.TrainFraction + settings.ValidationFraction) : settings.ValidationFraction;
        var assigned = StratifiedSplitter.Assign(free.Select(i => labels[i]).ToList(), free.Select(i => kept[i].Sha256 + kept[i].Key).ToList(),
            validationFraction, presetTest ? 0 : settings.TestFraction, settings.Seed);
        var splits = kept.Select(c => c.PresetSplit ?? StratifiedSplitter.Train).ToArray();
        for (var j = 0; j < free.Length; j++)
        {
            splits[free[j]] = assigned[j];
        }
        return splits;
    }

    /// <summary>
    /// Which train samples undersampling leaves out: every train class is cut, by a seeded choice, to at most the
    /// smallest train class divided by BalanceRatio (1: all as small as the smallest).
    /// </summary>
    private static bool[] UndersamplingPlan(int[] labels, int[] splits, IReadOnlyList<string> orderKeys, int classCount, IngestSettings settings)
    {
        var leftOut = new bool[labels.Length];
        if (settings.Balance != BalanceMethod.Undersample)
        {
            return leftOut;
        }
        var members = Enumerable.Range(0, classCount)
            .Select(label => Enumerable.Range(0, labels.Length).Where(i => labels[i] == label && splits[i] == StratifiedSplitter.Train)
                .OrderBy(i => orderKeys[i], StringComparer.Ordinal).ToArray())
            .ToArray();
        var smallest = members.Where(m => m.Length > 0).Select(m => m.Length).DefaultIfEmpty(0).Min();
        var cap = (int)Math.Floor(smallest / settings.BalanceRatio + 1e-9);
        for (var label = 0; label < classCount; label++)
        {
            if (members[label].Length <= cap)
            {
                continue;
            }
            new Random(unchecked(settings.Seed * 7_919 + label)).Shuffle(members[label]);
            foreach (var index in members[label].Skip(cap))
            {
                leftOut[index] = true;
            }
        }
        return leftOut;
    }

    /// <summary>Images of the largest train class per image of the smallest, as published; a warning above 1.5.</summary>
    private static double? ImbalanceRatio(List<string> classes, int[] labels, int[] splits, int[] copies, bool[] leftOut, List<string> warnings)
    {
        var train = new int[classes.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            if (splits[i] == StratifiedSplitter.Train && !leftOut[i])
            {
                train[labels[i]] += 1 + copies[i];
            }
        }
        if (classes.Count < 2 || train.Max() == 0)
        {
            return null;
        }
        var largest = Array.IndexOf(train, train.Max());
        var smallest = Array.IndexOf(train, train.Min());
        var ratio = Math.Round(train[largest] / (double)Math.Max(1, train[smallest]), 2);
        if (ratio > 1.5)
        {
            warnings.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the train split is imbalanced: {ratio:0.##}× ('{classes[largest]}' {train[largest]} images, '{classes[smallest]}' {train[smallest]}); consider balance=oversample or balance=undersample, or the trainer's class-balanced sampler"));
        }
        return ratio;
    }

    private static Dictionary<string, int> PerClass(List<string> classes, int[] counts) =>
        classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => counts[p.i]);

    /// <summary>How many augmented copies each sample gets: minority train classes are raised to BalanceRatio × the largest.</summary>
    private static int[] OversamplingPlan(int[] labels, int[] splits, int classCount, IngestSettings settings)
    {
        var copies = new int[labels.Length];
        if (settings.Balance != BalanceMethod.Oversample)
        {
            return copies;
        }
        var trainPerClass = new int[classCount];
        for (var i = 0; i < labels.Length; i++)
        {
            if (splits[i] == StratifiedSplitter.Train)
            {
                trainPerClass[labels[i]]++;
            }
        }
        var target = (int)Math.Ceiling(settings.BalanceRatio * trainPerClass.Max());
        for (var label = 0; label < classCount; label++)
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == label && splits[i] == StratifiedSplitter.Train).ToArray();
            var missing = target - members.Length;
            for (var k = 0; members.Length > 0 && k < missing; k++)
            {
                copies[members[k % members.Length]]++;
            }
        }
        return copies;
    }

    private static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
