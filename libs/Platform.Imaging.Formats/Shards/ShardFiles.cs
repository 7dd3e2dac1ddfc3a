using System.Security.Cryptography;

namespace Platform.Imaging.Formats.Shards;

/// <summary>Whole-file checks of shards against the sizes and hashes a manifest records.</summary>
public static class ShardFiles
{
    /// <summary>Lowercase hex SHA-256 of a stream's remaining content.</summary>
    public static string Sha256(Stream stream) => Convert.ToHexStringLower(SHA256.HashData(stream));

    /// <summary>Lowercase hex SHA-256 of a file's content.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }

    /// <summary>Throws <see cref="InvalidDataException"/> when the file's size or (if given) SHA-256 differ.</summary>
    public static void Verify(string path, long expectedBytes, string? expectedSha256)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Shard {name} is missing from {Path.GetDirectoryName(path)}.", path);
        }

        var length = new FileInfo(path).Length;
        if (length != expectedBytes)
        {
            throw new InvalidDataException($"Shard {name} is {length} bytes; the manifest says {expectedBytes}.");
        }

        if (expectedSha256 is not null)
        {
            using var file = File.OpenRead(path);
            var actual = Sha256(file);
            if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"Shard {name} has SHA-256 {actual}; the manifest says {expectedSha256} (corrupted or replaced).");
            }
        }
    }
}
