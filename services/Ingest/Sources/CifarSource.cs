using System.Text.RegularExpressions;
using Platform.Contracts.Datasets;
using Platform.Imaging.Formats.Data.Cifar;
using Platform.Ingest.Datasets;
using Platform.Ingest.Processing;

namespace Platform.Ingest.Sources;

/// <summary>
/// A CIFAR-10 or CIFAR-100 archive exactly as published (binary <c>cifar-10-batches-bin/</c>, <c>cifar-100-binary/</c>;
/// Python <c>cifar-10-batches-py/</c>, <c>cifar-100-python/</c>; tar.gz as downloaded, or re-packed as tar or zip).
/// Class names come from the meta file (else <c>classNames</c>, else the label numbers). The test batch is put in the
/// test split; the training batches are left to the splitter. Batches are whole-upload matters: a truncated batch, a
/// label past the class list, a meta file that does not fit the layout or an unsafe pickle fails the upload, so
/// nothing partial is ever published. Binary batches are streamed record by record; a pickled batch is read whole
/// (up to <see cref="IngestOptions.MaxBatchBytes"/>) and parsed by <see cref="SafePickleReader"/>, which runs nothing.
/// </summary>
public sealed partial class CifarSource(string file, ArchiveKind kind, string originalName, IngestSettings settings, IngestOptions limits)
    : IIngestSource
{
    private enum Layout
    {
        Cifar10Binary,
        Cifar100Binary,
        Cifar10Python,
        Cifar100Python,
    }

    private enum Role
    {
        Other,
        Meta,
        Train,
        Test,
    }

    private static readonly string[] PublishedFolders = ["cifar-10-batches-bin", "cifar-10-batches-py", "cifar-100-binary", "cifar-100-python"];

    private static readonly string[] TellingFiles =
        ["data_batch_1.bin", "test_batch.bin", "batches.meta.txt", "fine_label_names.txt", "coarse_label_names.txt", "data_batch_1", "batches.meta"];

    private (Layout Layout, IReadOnlyList<string> Names)? scanned;

    public string Description => $"CIFAR {kind} archive '{originalName}'";

    public int NaturalChannels => 3;

    public IReadOnlyList<string>? ClassOrder => scanned?.Names;

    /// <summary>True when one of the archive's first entries has a CIFAR folder or file name.</summary>
    public static bool Detect(string file, ArchiveKind kind)
    {
        try
        {
            return new CifarSource(file, kind, "", IngestSettings.Default, new IngestOptions())
                .Entries(CancellationToken.None).Take(16)
                .Any(entry => entry is { Rejection: null, Path: var path }
                    && (PublishedFolders.Contains(path.Split('/')[0]) || TellingFiles.Contains(Path.GetFileName(path))));
        }
        catch (Exception exception) when (exception is UploadRejectedException or InvalidDataException or IOException)
        {
            return false;
        }
    }

    public IEnumerable<SourceItem> Read(CancellationToken cancellationToken)
    {
        var (layout, names) = scanned ??= Scan(cancellationToken);
        foreach (var entry in Entries(cancellationToken))
        {
            if (entry.Rejection is { } rejection)
            {
                // A refused batch or meta file would leave the dataset partial, which a CIFAR upload never publishes.
                yield return RoleOf(rejection.Key, layout) == Role.Other
                    ? rejection
                    : throw new UploadRejectedException(rejection.Reason, $"{ArchivePaths.ForDisplay(rejection.Key)}: {rejection.Detail}");
                continue;
            }
            switch (RoleOf(entry.Path, layout))
            {
                case Role.Meta:
                    continue;
                case Role.Other:
                    yield return new RejectedItem(entry.Path, "ignored-metadata", "not one of the CIFAR batches or meta files (a readme…)");
                    continue;
                case var role:
                    var split = role == Role.Test ? StratifiedSplitter.Test : (int?)null;
                    var images = layout is Layout.Cifar10Binary or Layout.Cifar100Binary
                        ? BinaryRecords(entry, layout, names, split, cancellationToken)
                        : PickledRecords(entry, layout, names, split);
                    foreach (var image in images)
                    {
                        yield return image;
                    }
                    break;
            }
        }
    }

    private IEnumerable<SourceItem> BinaryRecords(ArchiveEntry entry, Layout layout, IReadOnlyList<string> names, int? split, CancellationToken cancellationToken)
    {
        CheckBatchLength(entry.Path, entry.Length);
        var labelBytes = layout == Layout.Cifar100Binary ? 2 : 1;
        var labelOffset = layout == Layout.Cifar100Binary && settings.Labels == CifarLabelSet.Fine ? 1 : 0;
        var record = new byte[labelBytes + CifarFormat.ImageBytes];
        for (var index = 0; ; index++)
        {
            if (index % 1024 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            var read = entry.Read(record);
            if (read == 0)
            {
                yield break;
            }
            if (read < record.Length)
            {
                throw new UploadRejectedException("truncated-batch",
                    $"{entry.Path} ends in the middle of record {index} ({read} of {record.Length} bytes): the batch is truncated");
            }
            if ((long)(index + 1) * record.Length > limits.MaxBatchBytes)
            {
                CheckBatchLength(entry.Path, (long)(index + 1) * record.Length);
            }
            var label = record[labelOffset];
            yield return new DecodedImageItem($"{entry.Path}#{index}", CifarFormat.ImageFromPlanes(record.AsSpan(labelBytes)),
                LabelName(names, label, entry.Path, index), split);
        }
    }

    private IEnumerable<SourceItem> PickledRecords(ArchiveEntry entry, Layout layout, IReadOnlyList<string> names, int? split)
    {
        var labelKey = layout == Layout.Cifar10Python ? "labels" : settings.Labels == CifarLabelSet.Coarse ? "coarse_labels" : "fine_labels";
        var (data, labels) = Guarded(() => CifarFormat.BatchFromPickle(ReadWhole(entry), entry.Path, labelKey));
        for (var index = 0; index < labels.Length; index++)
        {
            yield return new DecodedImageItem($"{entry.Path}#{index}",
                CifarFormat.ImageFromPlanes(data.AsSpan(index * CifarFormat.ImageBytes, CifarFormat.ImageBytes)),
                LabelName(names, labels[index], entry.Path, index), split);
        }
    }

    private static string LabelName(IReadOnlyList<string> names, int label, string path, int index) =>
        label < names.Count
            ? names[label]
            : throw new UploadRejectedException("label-out-of-range",
                $"{path}: record {index} has label {label}, but the classes are 0–{names.Count - 1}");

    /// <summary>Finds the layout from the file names and reads the class names from its meta file (a first, light pass).</summary>
    private (Layout, IReadOnlyList<string>) Scan(CancellationToken cancellationToken)
    {
        var files = new List<string>();
        byte[]? cifar10Text = null, fineText = null, coarseText = null, cifar10Pickle = null, cifar100Pickle = null;
        foreach (var entry in Entries(cancellationToken))
        {
            if (entry.Rejection is not null)
            {
                continue;
            }
            files.Add(entry.Path);
            switch (Path.GetFileName(entry.Path))
            {
                case "batches.meta.txt": cifar10Text = ReadWhole(entry); break;
                case "fine_label_names.txt": fineText = ReadWhole(entry); break;
                case "coarse_label_names.txt": coarseText = ReadWhole(entry); break;
                case "batches.meta": cifar10Pickle = ReadWhole(entry); break;
                case "meta": cifar100Pickle = ReadWhole(entry); break;
            }
        }
        var layouts = files.Select(path => LayoutOf(Path.GetFileName(path))).OfType<Layout>().Distinct().ToList();
        if (layouts.Count != 1)
        {
            throw new UploadRejectedException("meta-mismatch", layouts.Count == 0
                ? "The archive looks like CIFAR but holds none of its batches (data_batch_N[.bin], test_batch[.bin], train[.bin], test[.bin])."
                : $"The archive mixes CIFAR layouts ({string.Join(", ", layouts)}); upload one dataset at a time.");
        }
        var layout = layouts[0];
        var coarse = settings.Labels == CifarLabelSet.Coarse;
        var expected = layout is Layout.Cifar10Binary or Layout.Cifar10Python ? 10 : coarse ? 20 : 100;
        var names = Guarded(() => layout switch
        {
            Layout.Cifar10Binary when cifar10Text is not null => CifarFormat.NamesFromText(cifar10Text, "batches.meta.txt", expected),
            Layout.Cifar100Binary when (coarse ? coarseText : fineText) is { } text =>
                CifarFormat.NamesFromText(text, coarse ? "coarse_label_names.txt" : "fine_label_names.txt", expected),
            Layout.Cifar10Python when cifar10Pickle is not null => CifarFormat.NamesFromPickle(cifar10Pickle, "batches.meta", "label_names", expected),
            Layout.Cifar100Python when cifar100Pickle is not null =>
                CifarFormat.NamesFromPickle(cifar100Pickle, "meta", coarse ? "coarse_label_names" : "fine_label_names", expected),
            _ => settings.ClassNames ?? Enumerable.Range(0, expected).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
        });
        return (layout, names);
    }

    private static Layout? LayoutOf(string name) => name switch
    {
        "test_batch.bin" => Layout.Cifar10Binary,
        "train.bin" or "test.bin" => Layout.Cifar100Binary,
        "test_batch" => Layout.Cifar10Python,
        "train" or "test" => Layout.Cifar100Python,
        _ when TrainingBatch().Match(name) is { Success: true } match => match.Groups[1].Success ? Layout.Cifar10Binary : Layout.Cifar10Python,
        _ => null,
    };

    private static Role RoleOf(string path, Layout layout)
    {
        var name = Path.GetFileName(path);
        if (name is "batches.meta.txt" or "fine_label_names.txt" or "coarse_label_names.txt" or "batches.meta" or "meta")
        {
            return Role.Meta;
        }
        if (LayoutOf(name) != layout)
        {
            return Role.Other;
        }
        return name.StartsWith("test", StringComparison.Ordinal) ? Role.Test : Role.Train;
    }

    [GeneratedRegex(@"^data_batch_[1-9][0-9]*(\.bin)?$")]
    private static partial Regex TrainingBatch();

    private static T Guarded<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (PickleRejectedException exception)
        {
            throw new UploadRejectedException(exception.Reason, exception.Message);
        }
        catch (CifarFormatException exception)
        {
            throw new UploadRejectedException(exception.Reason, exception.Message);
        }
    }

    private byte[] ReadWhole(ArchiveEntry entry)
    {
        CheckBatchLength(entry.Path, entry.Length);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = entry.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            CheckBatchLength(entry.Path, buffer.Length);
        }
        return buffer.ToArray();
    }

    private void CheckBatchLength(string path, long length)
    {
        if (length > limits.MaxBatchBytes)
        {
            throw new UploadRejectedException("batch-too-large",
                $"{path} is over {limits.MaxBatchBytes} bytes (Ingest:MaxBatchBytes); CIFAR's largest batch is 155 MB");
        }
    }

    /// <summary>
    /// The archive's entries, walked, limited and refused exactly as for any archive upload (<see cref="ArchiveEntryReader"/>);
    /// a readable entry's content lasts until the next one is asked for.
    /// </summary>
    private IEnumerable<ArchiveEntry> Entries(CancellationToken cancellationToken) =>
        new ArchiveEntryReader(file, kind, limits, limits.MaxBatchBytes, IgnoredMetadata).Read(cancellationToken);

    private static RejectedItem? IgnoredMetadata(string path, long declaredLength) =>
        ArchivePaths.IsMetadata(path) ? new RejectedItem(path, "ignored-metadata", "operating-system metadata (hidden file or __MACOSX)") : null;

    public void Dispose()
    {
    }
}
