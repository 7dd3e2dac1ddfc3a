using Microsoft.Win32.SafeHandles;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;
using Platform.Imaging.Formats.Shards;

namespace Platform.Imaging.Shards;

/// <summary>
/// Random access over local shard files (e.g. the trainer's cache): the indexes at the shard ends are read once;
/// each <see cref="Load"/> reads one record with a positional read (safe from many threads), checks its SHA-256 and
/// decodes it. Dispose to close the files.
/// </summary>
public sealed class ShardDataset : ILabeledImageSource, IDisposable
{
    private readonly Shard[] _shards;
    private readonly (int Shard, ShardIndexEntry Entry)[] _records;
    private readonly int? _channels;

    private ShardDataset(Shard[] shards, IReadOnlyList<string> classes, int? channels)
    {
        _shards = shards;
        _records = [.. shards.SelectMany((shard, number) => shard.Index.Select(entry => (number, entry)))];
        Classes = classes;
        _channels = channels;
        foreach (var (_, entry) in _records)
        {
            if ((uint)entry.Label >= (uint)classes.Count)
            {
                throw new InvalidDataException($"A shard record has label {entry.Label} but there are {classes.Count} classes.");
            }
        }
    }

    public int Count => _records.Length;

    public IReadOnlyList<string> Classes { get; }

    /// <summary>Opens shard files in the given order; samples are numbered across them in that order.</summary>
    /// <param name="channels">Channels of the decoded images; null keeps each record's own.</param>
    public static ShardDataset Open(IReadOnlyList<string> shardPaths, IReadOnlyList<string> classes, int? channels = null)
    {
        var shards = new List<Shard>();
        try
        {
            foreach (var path in shardPaths)
            {
                shards.Add(Shard.Open(path));
            }

            return new ShardDataset([.. shards], classes, channels);
        }
        catch
        {
            shards.ForEach(shard => shard.Handle.Dispose());
            throw;
        }
    }

    /// <summary>
    /// Opens one split of a manifest from a folder holding its shard files by name, checking each file's size and
    /// SHA-256 against the manifest first (set <paramref name="verifyShardHashes"/> false for a cache verified on download).
    /// </summary>
    public static ShardDataset Open(DatasetManifest manifest, string split, string directory, bool verifyShardHashes = true)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var shards = manifest.ShardsOf(split);
        if (shards.Count == 0)
        {
            throw new ArgumentException($"The manifest of {manifest.Name} {manifest.Version} has no shards for split '{split}'.", nameof(split));
        }

        var paths = shards.Select(shard => Path.Combine(directory, shard.Name)).ToArray();
        for (var i = 0; i < shards.Count; i++)
        {
            ShardFiles.Verify(paths[i], shards[i].Bytes, verifyShardHashes ? shards[i].Sha256 : null);
        }

        var dataset = Open(paths, manifest.Classes, manifest.Channels);
        for (var i = 0; i < shards.Count; i++)
        {
            if (dataset._shards[i].Index.Length != shards[i].Samples)
            {
                dataset.Dispose();
                throw new InvalidDataException($"{shards[i].Name} holds {dataset._shards[i].Index.Length} samples; the manifest says {shards[i].Samples}.");
            }
        }

        return dataset;
    }

    public int GetLabel(int index) => _records[index].Entry.Label;

    public ImageBuffer Load(int index) => ReadRecord(index).ToImage(_channels);

    /// <summary>The stored record (payload verified) without decoding it.</summary>
    public ShardRecord ReadRecord(int index)
    {
        var (shardNumber, entry) = _records[index];
        var shard = _shards[shardNumber];
        var bytes = new byte[entry.Length];
        if (RandomAccess.Read(shard.Handle, bytes, entry.Offset) != entry.Length)
        {
            throw new InvalidDataException($"{shard.Name}: record {index} runs past the end of the file.");
        }

        var header = ShardFormat.ReadRecordHeader(bytes, shard.Name);
        if (header.RecordLength != entry.Length || header.Label != entry.Label)
        {
            throw new InvalidDataException($"{shard.Name}: the record at {entry.Offset} does not match its index entry.");
        }

        var key = ShardFormat.DecodeKey(bytes.AsSpan(ShardFormat.RecordHeaderLength, header.KeyLength));
        var payload = bytes[(ShardFormat.RecordHeaderLength + header.KeyLength)..];
        ShardRecord.VerifyPayload(header.PayloadSha256, payload, shard.Name, key);
        return new ShardRecord(header.Label, key, header.Encoding, header.Width, header.Height, header.Channels,
            header.SourceSha256, header.PayloadSha256, payload);
    }

    public void Dispose()
    {
        foreach (var shard in _shards)
        {
            shard.Handle.Dispose();
        }
    }

    private sealed record Shard(string Name, SafeFileHandle Handle, ShardIndexEntry[] Index)
    {
        public static Shard Open(string path)
        {
            var name = Path.GetFileName(path);
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
            try
            {
                var length = RandomAccess.GetLength(handle);
                if (length < ShardFormat.FileHeaderLength + ShardFormat.IndexHeaderLength + ShardFormat.TrailerLength)
                {
                    throw new InvalidDataException($"{name} is too short ({length} bytes) to be a shard.");
                }

                var header = new byte[ShardFormat.FileHeaderLength];
                RandomAccess.Read(handle, header, 0);
                ShardFormat.ValidateFileHeader(header, name);
                var trailer = new byte[ShardFormat.TrailerLength];
                RandomAccess.Read(handle, trailer, length - ShardFormat.TrailerLength);
                var (indexOffset, count) = ShardFormat.ReadTrailer(trailer, name);
                var indexLength = ShardFormat.IndexHeaderLength + (long)count * ShardFormat.IndexEntryLength;
                if (indexOffset + indexLength + ShardFormat.TrailerLength != length)
                {
                    throw new InvalidDataException($"{name}: the trailer's index position does not fit the file length.");
                }

                var index = new byte[indexLength];
                RandomAccess.Read(handle, index, indexOffset);
                if (index[0] != ShardFormat.IndexTag)
                {
                    throw new InvalidDataException($"{name}: no index at offset {indexOffset}.");
                }

                var entries = new ShardIndexEntry[count];
                for (var i = 0; i < count; i++)
                {
                    entries[i] = ShardFormat.ReadIndexEntry(index.AsSpan(ShardFormat.IndexHeaderLength + i * ShardFormat.IndexEntryLength));
                    if (entries[i].Offset < ShardFormat.FileHeaderLength || entries[i].Offset + entries[i].Length > indexOffset)
                    {
                        throw new InvalidDataException($"{name}: index entry {i} points outside the records.");
                    }
                }

                return new Shard(name, handle, entries);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
    }
}
