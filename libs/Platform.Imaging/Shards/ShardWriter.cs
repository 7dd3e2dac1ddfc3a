using System.Security.Cryptography;
using System.Text;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Shards;

namespace Platform.Imaging.Shards;

/// <summary>
/// Appends samples to shard files, starting a new shard before a record would take the current one past
/// <c>targetShardBytes</c> (a single larger record gets a shard of its own). Streams come from
/// <c>openShard(name)</c>, so the same writer serves local files and blob uploads. Not thread-safe.
/// </summary>
public sealed class ShardWriter : IDisposable
{
    private readonly Func<string, Stream> _openShard;
    private readonly string _namePrefix;
    private readonly long _targetShardBytes;
    private readonly List<ShardDescriptor> _completed = [];
    private OpenShard? _current;
    private bool _finished;

    public ShardWriter(Func<string, Stream> openShard, string namePrefix = "shard", long targetShardBytes = 64L * 1024 * 1024)
    {
        _openShard = openShard ?? throw new ArgumentNullException(nameof(openShard));
        ArgumentException.ThrowIfNullOrWhiteSpace(namePrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetShardBytes, 1024);
        _namePrefix = namePrefix;
        _targetShardBytes = targetShardBytes;
    }

    /// <summary>Shards finished so far.</summary>
    public IReadOnlyList<ShardDescriptor> CompletedShards => _completed;

    /// <summary>Encodes the image (PNG, JPEG, WebP or raw pixels) and appends it.</summary>
    public void Append(ImageBuffer image, int label, ShardImageEncoding encoding = ShardImageEncoding.Png, string key = "",
        ReadOnlySpan<byte> sourceSha256 = default, int quality = 90)
    {
        ArgumentNullException.ThrowIfNull(image);
        var payload = encoding switch
        {
            ShardImageEncoding.RawPixels => image.Pixels,
            ShardImageEncoding.Png => ImageEncoder.Encode(image, ImageFormat.Png),
            ShardImageEncoding.Jpeg => ImageEncoder.Encode(image, ImageFormat.Jpeg, quality),
            ShardImageEncoding.Webp => ImageEncoder.Encode(image, ImageFormat.Webp, quality),
            _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown shard encoding."),
        };
        AppendEncoded(payload, encoding, image.Width, image.Height, image.Channels, label, key, sourceSha256);
    }

    /// <summary>Appends an already-encoded payload (for example the original JPEG bytes) with its declared size.</summary>
    public void AppendEncoded(ReadOnlySpan<byte> payload, ShardImageEncoding encoding, int width, int height, int channels, int label,
        string key = "", ReadOnlySpan<byte> sourceSha256 = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        if (channels is not (1 or 3) || width < 1 || height < 1)
        {
            throw new ArgumentException($"Invalid image size {width}x{height}x{channels}.");
        }

        if (encoding == ShardImageEncoding.RawPixels && payload.Length != (long)width * height * channels)
        {
            throw new ArgumentException($"Raw pixels need {width * height * channels} bytes, got {payload.Length}.", nameof(payload));
        }

        if (!sourceSha256.IsEmpty && sourceSha256.Length != ShardFormat.HashLength)
        {
            throw new ArgumentException("A source hash is a 32-byte SHA-256.", nameof(sourceSha256));
        }

        var keyBytes = Encoding.UTF8.GetBytes(key);
        if (keyBytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException("The key is longer than 65535 UTF-8 bytes.", nameof(key));
        }

        var recordLength = ShardFormat.RecordHeaderLength + keyBytes.Length + payload.Length;
        if (_current is not null && _current.Count > 0 && _current.Bytes + recordLength + FinishingBytes(_current.Count + 1) > _targetShardBytes)
        {
            FinishCurrent();
        }

        _current ??= new OpenShard($"{_namePrefix}-{_completed.Count:D5}.plshard", _openShard);

        var source = new byte[ShardFormat.HashLength];
        sourceSha256.CopyTo(source);
        var header = new byte[ShardFormat.RecordHeaderLength];
        ShardFormat.WriteRecordHeader(header, new ShardRecordHeader(encoding, channels, label, width, height, payload.Length,
            keyBytes.Length, source, SHA256.HashData(payload)));
        _current.Index.Add(new ShardIndexEntry(_current.Bytes, recordLength, label));
        _current.Write(header);
        _current.Write(keyBytes);
        _current.Write(payload);
    }

    /// <summary>Finishes the last shard and returns every shard written, in order.</summary>
    public IReadOnlyList<ShardDescriptor> Complete()
    {
        if (!_finished)
        {
            FinishCurrent();
            _finished = true;
        }

        return _completed;
    }

    public void Dispose()
    {
        // An unfinished shard has no index or trailer; readers reject it, which is the honest outcome.
        _current?.Stream.Dispose();
        _current = null;
        _finished = true;
    }

    private static long FinishingBytes(int records) =>
        ShardFormat.IndexHeaderLength + (long)records * ShardFormat.IndexEntryLength + ShardFormat.TrailerLength;

    private void FinishCurrent()
    {
        if (_current is null)
        {
            return;
        }

        var shard = _current;
        _current = null;
        var indexOffset = shard.Bytes;
        var index = new byte[FinishingBytes(shard.Count) - ShardFormat.TrailerLength];
        index[0] = ShardFormat.IndexTag;
        for (var i = 0; i < shard.Count; i++)
        {
            ShardFormat.WriteIndexEntry(index.AsSpan(ShardFormat.IndexHeaderLength + i * ShardFormat.IndexEntryLength), shard.Index[i]);
        }

        var trailer = new byte[ShardFormat.TrailerLength];
        ShardFormat.WriteTrailer(trailer, indexOffset, shard.Count);
        shard.Write(index);
        shard.Write(trailer);
        shard.Stream.Dispose();
        _completed.Add(new ShardDescriptor(shard.Name, shard.Count, shard.Bytes, Convert.ToHexStringLower(shard.Hash.GetHashAndReset())));
        shard.Hash.Dispose();
    }

    private sealed class OpenShard
    {
        public OpenShard(string name, Func<string, Stream> open)
        {
            Name = name;
            Stream = open(name) ?? throw new InvalidOperationException($"openShard returned no stream for {name}.");
            var header = new byte[ShardFormat.FileHeaderLength];
            ShardFormat.WriteFileHeader(header);
            Write(header);
        }

        public string Name { get; }

        public Stream Stream { get; }

        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public List<ShardIndexEntry> Index { get; } = [];

        public int Count => Index.Count;

        public long Bytes { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            Stream.Write(bytes);
            Hash.AppendData(bytes);
            Bytes += bytes.Length;
        }
    }
}
