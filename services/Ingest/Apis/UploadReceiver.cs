using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Platform.Imaging.Formats.Shards;

namespace Platform.Ingest.Apis;

/// <summary>
/// Streams a request body to disk without holding it in memory: a raw body becomes the part "upload";
/// a multipart/form-data body keeps each file part under its part name (archive, images, labels).
/// </summary>
public static class UploadReceiver
{
    private static readonly string[] PartNames = ["archive", "file", "images", "labels"];

    public static async Task<ReceivedUpload> ReceiveAsync(HttpRequest request, string folder, long maxBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new List<SourceFile>();
        var budget = new long[] { maxBytes };

        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            && contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                throw new InvalidUploadException("The multipart body has no boundary.");
            }
            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = maxBytes };
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (section.AsFileSection() is not { } fileSection)
                {
                    continue;
                }
                var part = fileSection.Name;
                if (!PartNames.Contains(part) || files.ContainsKey(part))
                {
                    throw new InvalidUploadException(
                        $"Unexpected file part '{part}'. Send one 'archive' part, or an 'images' and a 'labels' part (IDX).");
                }
                var path = Path.Combine(folder, part);
                var sha = await CopyAsync(fileSection.FileStream!, path, budget, maxBytes, cancellationToken);
                files[part] = path;
                sources.Add(new SourceFile(SafeName(fileSection.FileName, part), sha));
            }
            if (files.Count == 0)
            {
                throw new InvalidUploadException("The multipart body holds no file part.");
            }
        }
        else
        {
            var path = Path.Combine(folder, "upload");
            var sha = await CopyAsync(request.Body, path, budget, maxBytes, cancellationToken);
            files["upload"] = path;
            sources.Add(new SourceFile(SafeName(request.Headers["X-File-Name"].ToString(), "upload"), sha));
        }
        return new ReceivedUpload(files, sources);
    }

    private static async Task<string> CopyAsync(Stream source, string path, long[] budget, long maxBytes, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var target = File.Create(path);
        var buffer = new byte[128 * 1024];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            budget[0] -= read;
            if (budget[0] < 0)
            {
                throw new UploadTooLargeException(maxBytes);
            }
            hash.AppendData(buffer, 0, read);
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A client-given file name is only a label in the manifest; it never becomes a path.</summary>
    private static string SafeName(string? name, string fallback)
    {
        var file = Path.GetFileName((name ?? "").Replace('\\', '/'));
        return string.IsNullOrWhiteSpace(file) || file.Length > 255 ? fallback : file;
    }
}
