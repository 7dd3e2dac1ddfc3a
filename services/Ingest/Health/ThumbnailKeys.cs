using System.Security.Cryptography;
using System.Text;

namespace Platform.Ingest.Health;

/// <summary>Thumbnails are named by the first 16 hex digits of the SHA-256 of the image's key: stable, and no path in a blob name or URL.</summary>
public static class ThumbnailKeys
{
    public const int MaxSide = 96;

    public const int JpegQuality = 80;

    public static string For(string imageKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(imageKey)))[..16];

    public static bool IsValid(string key) => key.Length == 16 && key.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
