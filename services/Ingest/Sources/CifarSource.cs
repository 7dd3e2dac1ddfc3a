using System.Formats.Tar;
using System.IO.Compression;
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

    private sealed record Entry(string Path, long Length, Stream Content);

    private static readonly string[] PublishedFolders = ["cifar-10-batches-bin", "cifar-10-batches-py", "cifar-100-binary", "cifar-100-python"];

    private static readonly string[] TellingFiles =
        ["data_batch_1.bin", "test_batch.bin", "batches.meta.txt", "fine_label_names.txt", "coarse_label_names.txt", "data_batch_1", "batches.meta"];

    private (Layout Layout, IReadOnlyList<string> Names)? scanned;

    // Expanded bytes of the current read, against the archive-wide limits (as for any archive upload).
    private long expanded;
    private CountingStream? compressed;

    public string Description => $"CIFAR {kind} archive '{originalName}'";

    public int NaturalChannels => 3;

    public IReadOnlyList<string>? ClassOrder => scanned?.Names;

    /// <summary>True when one of the archive's first entries has a CIFAR folder or file name.</summary>
    public static bool Detect(string file, ArchiveKind kind)
    {
        try
        {
            return new CifarSource(file, kind, "", IngestSettings.Default, new IngestOptions())
                .Entries(headersOnly: true, CancellationToken.None).Take(16)
                .Any(entry => entry is Entry { Path: var path } && (PublishedFolders.Contains(path.Split('/')[0]) || TellingFiles.Contains(Path.GetFileName(path))));
        }
        catch (Exception exception) when (exception is UploadRejectedException or InvalidDataException or IOException)
        {
            return false;
        }
    }

    public IEnumerable<SourceItem> Read(CancellationToken cancellationToken)
    {
        var (layout, names) = scanned ??= Scan(cancellationToken);
        foreach (var item in Entries(headersOnly: false, cancellationToken))
        {
            if (item is RejectedItem rejection)
            {
                yield return rejection;
                continue;
            }
            var entry = (Entry)item;
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

    private IEnumerable<SourceItem> BinaryRecords(Entry entry, Layout layout, IReadOnlyList<string> names, int? split, CancellationToken cancellationToken)
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
            var read = entry.Content.ReadAtLeast(record, record.Length, throwOnEndOfStream: false);
            Consume(read);
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

    private IEnumerable<SourceItem> PickledRecords(Entry entry, Layout layout, IReadOnlyList<string> names, int? split)
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
        foreach (var item in Entries(headersOnly: false, cancellationToken))
        {
            if (item is not Entry entry)
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

    private byte[] ReadWhole(Entry entry)
    {
        CheckBatchLength(entry.Path, entry.Length);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = entry.Content.Read(chunk, 0, chunk.Length)) > 0)
        {
            Consume(read);
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

    private void Consume(int bytes)
    {
        expanded += bytes;
        if (expanded > limits.MaxUncompressedBytes)
        {
            throw new UploadRejectedException("archive-too-large",
                $"The archive expands to more than {limits.MaxUncompressedBytes} bytes (Ingest:MaxUncompressedBytes).");
        }
        if (compressed is not null && expanded > 16L * 1024 * 1024 && expanded > limits.MaxCompressionRatio * Math.Max(1, compressed.BytesRead))
        {
            throw new UploadRejectedException("compression-ratio",
                $"The archive expands more than {limits.MaxCompressionRatio:F0}× its compressed size: a likely decompression bomb.");
        }
    }

    /// <summary>
    /// The archive's regular files with safe paths, in archive order (content readable until the next one is asked
    /// for), or a rejection for an unsafe path, a link or a special entry.
    /// </summary>
    private IEnumerable<object> Entries(bool headersOnly, CancellationToken cancellationToken)
    {
        expanded = 0;
        if (kind == ArchiveKind.Zip)
        {
            if (!headersOnly)
            {
                // The layout is checked from the file's own bytes first, as for any zip upload: a crafted zip is refused whole.
                ZipStructure.Check(file, limits.MaxArchiveEntries);
            }
            ZipArchive archive;
            try
            {
                archive = ZipFile.OpenRead(file);
            }
            catch (InvalidDataException exception)
            {
                throw new UploadRejectedException("corrupt-archive", $"The zip archive cannot be read: {exception.Message}");
            }
            using (archive)
            {
                if (archive.Entries.Count > limits.MaxArchiveEntries)
                {
                    throw TooManyEntries(archive.Entries.Count);
                }
                foreach (var zipEntry in archive.Entries)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (zipEntry.FullName.EndsWith('/'))
                    {
                        continue;
                    }
                    if (Unusable(zipEntry.FullName) is { } unusable)
                    {
                        yield return unusable;
                        continue;
                    }
                    var path = ArchivePaths.Normalize(zipEntry.FullName)!;
                    if (((zipEntry.ExternalAttributes >> 16) & 0xF000) == 0xA000)
                    {
                        yield return new RejectedItem(path, "link", "symbolic links are not followed");
                        continue;
                    }
                    if (zipEntry.Length > 1024 * 1024 && zipEntry.CompressedLength > 0 && (double)zipEntry.Length / zipEntry.CompressedLength > limits.MaxCompressionRatio)
                    {
                        throw new UploadRejectedException("compression-ratio", $"{path} expands more than {limits.MaxCompressionRatio:F0}×: a likely zip bomb");
                    }
                    if (headersOnly)
                    {
                        yield return new Entry(path, zipEntry.Length, Stream.Null);
                        continue;
                    }
                    using var content = zipEntry.Open();
                    yield return new Entry(path, zipEntry.Length, content);
                }
            }
            yield break;
        }

        using var fileStream = File.OpenRead(file);
        compressed = kind == ArchiveKind.TarGzip ? new CountingStream(fileStream) : null;
        using var decompressed = compressed is not null ? new GZipStream(compressed, CompressionMode.Decompress) : (Stream)fileStream;
        using var reader = new TarReader(decompressed);
        var count = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TarEntry? tarEntry;
            try
            {
                tarEntry = reader.GetNextEntry();
            }
            catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException or FormatException)
            {
                throw new UploadRejectedException("corrupt-archive", $"The tar archive is damaged after {count} entries: {exception.Message}");
            }
            if (tarEntry is null)
            {
                yield break;
            }
            if (++count > limits.MaxArchiveEntries)
            {
                throw TooManyEntries(count);
            }
            if (tarEntry.EntryType is TarEntryType.Directory or TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes)
            {
                continue;
            }
            if (Unusable(tarEntry.Name) is { } unusable)
            {
                yield return unusable;
                continue;
            }
            var path = ArchivePaths.Normalize(tarEntry.Name)!;
            if (tarEntry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
            {
                yield return new RejectedItem(path, "link", $"{tarEntry.EntryType} to '{tarEntry.LinkName}' is not followed");
                continue;
            }
            if (tarEntry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile))
            {
                yield return new RejectedItem(path, "not-a-regular-file", $"tar entry of type {tarEntry.EntryType}");
                continue;
            }
            yield return new Entry(path, tarEntry.Length, headersOnly ? Stream.Null : tarEntry.DataStream ?? Stream.Null);
        }
    }

    private static RejectedItem? Unusable(string rawPath) => ArchivePaths.Normalize(rawPath) switch
    {
        // As for every archive upload: a name written to escape the extraction folder refuses the archive whole.
        null => throw new UploadRejectedException("unsafe-path",
            $"Entry '{ArchivePaths.ForDisplay(rawPath)}' has an absolute path or '..': it would escape the folder it is extracted to, so the archive is refused."),
        var path when ArchivePaths.IsMetadata(path) => new RejectedItem(path, "ignored-metadata", "operating-system metadata (hidden file or __MACOSX)"),
        _ => null,
    };

    private UploadRejectedException TooManyEntries(int count) =>
        new("too-many-entries", $"The archive lists {count}+ entries; the limit is {limits.MaxArchiveEntries} (Ingest:MaxArchiveEntries).");

    public void Dispose()
    {
    }
}
