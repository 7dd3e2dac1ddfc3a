using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Imaging;
using Platform.Imaging.Formats;
using Platform.Testing;

namespace Platform.Tracker.Tests;

/// <summary>
/// A small art4apps dataset uploaded to a real ingest with health=on: 8 images of two classes each, plus a recompressed and
/// a resized copy of one image per class, so that its health report holds near-duplicate pairs with thumbnails.
/// </summary>
public static class UiDatasets
{
    public const string Name = "ui-health";

    public static readonly string[] Classes = ["fruit_n_veg", "transport"];

    /// <summary>The names of the planted copies, each with the image it copies.</summary>
    public static readonly IReadOnlyDictionary<string, string> PlantedCopies = Classes
        .SelectMany(label => new[] { ($"{label}/copy-recompressed.jpg", label), ($"{label}/copy-resized.jpg", label) })
        .ToDictionary(entry => entry.Item1, entry => OriginalOf(entry.Item2));

    /// <returns>The published version's number.</returns>
    public static async Task<int> UploadAsync(ServiceHost ingest)
    {
        using var archive = new MemoryStream();
        using (var zip = new ZipArchive(archive, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var label in Classes)
            {
                foreach (var file in Images(label))
                {
                    Add(zip, $"{label}/{Path.GetFileName(file)}", File.ReadAllBytes(file));
                }
                var original = ImageDecoder.Decode(File.ReadAllBytes(Images(label)[0]), new DecodeOptions(3));
                Add(zip, $"{label}/copy-recompressed.jpg", ImageEncoder.Encode(original, ImageFormat.Jpeg, 40));
                Add(zip, $"{label}/copy-resized.jpg",
                    ImageEncoder.Encode(ImageResizer.Resize(original, original.Width * 3 / 4, original.Height * 3 / 4), ImageFormat.Jpeg, 85));
            }
        }
        using var content = new ByteArrayContent(archive.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var response = await ingest.Client.PostAsync($"/datasets?name={Name}&seed=5&health=on", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"upload: {(int)response.StatusCode} {body}");
        var version = JsonDocument.Parse(body).RootElement.GetProperty("version").GetInt32();
        var record = await ingest.PollAsync($"/datasets/{Name}/versions/{version}",
            r => r.GetProperty("state").GetString() is "published" or "failed", TimeSpan.FromMinutes(2));
        Assert.True(record.GetProperty("state").GetString() == "published", record.ToString());
        return version;
    }

    private static string[] Images(string label) =>
        [.. Directory.GetFiles(Path.Combine(RepositoryPaths.Art4Apps, label), "*.jpg").Order(StringComparer.Ordinal).Take(8)];

    private static string OriginalOf(string label) => $"{label}/{Path.GetFileName(Images(label)[0])}";

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        entry.Write(content);
    }
}
