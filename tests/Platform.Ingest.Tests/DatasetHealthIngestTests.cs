using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Imaging;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Shards;
using Platform.Testing;

namespace Platform.Ingest.Tests;

/// <summary>An upload with health=on: planted copies reported (and moved when they leak), thumbnails served, the manifest records the model.</summary>
[Collection(IngestCollection.Name)]
public sealed class DatasetHealthIngestTests(IngestFixture fixture)
{
    [Fact]
    public async Task Health_on_reports_planted_copies_moves_leaked_ones_into_their_originals_split_and_serves_bounded_thumbnails()
    {
        var entries = new List<TestArchives.Entry>();
        foreach (var label in new[] { "fruit_n_veg", "transport" })
        {
            entries.AddRange(Directory.GetFiles(Path.Combine(RepositoryPaths.Art4Apps, label), "*.jpg").Order(StringComparer.Ordinal)
                .Select(file => new TestArchives.Entry($"{label}/{Path.GetFileName(file)}", File.ReadAllBytes(file))));
        }
        // Six recompressed and resized copies, under the same label, named apart from their originals.
        var random = new Random(3);
        var planted = entries.Where((_, i) => i % 11 == 0).Take(6).Select((original, k) =>
        {
            var image = ImageDecoder.Decode(original.Content, new DecodeOptions(3));
            var copy = HealthTestModel.PlantedCopy(image, k % 2, random);
            var name = original.Path.Replace(".jpg", $"-copy{k}.jpg", StringComparison.Ordinal);
            return (Original: original.Path, Copy: new TestArchives.Entry(name, ImageEncoder.Encode(copy, ImageFormat.Jpeg, 85)));
        }).ToList();
        entries.AddRange(planted.Select(p => p.Copy));

        var accepted = await fixture.UploadAsync("name=health-on&seed=5&health=on", IngestFixture.Archive(TestArchives.Zip(entries)));
        var version = accepted.GetProperty("version").GetInt32();
        var record = await fixture.WaitForOutcomeAsync("health-on", version);

        Assert.Equal("published", record.GetProperty("state").GetString());
        var health = record.GetProperty("report").GetProperty("health");
        Assert.Equal("ran", health.GetProperty("status").GetString());
        Assert.Equal(128, health.GetProperty("model").GetProperty("resolution").GetInt32());
        var pairs = health.GetProperty("nearDuplicates").EnumerateArray().ToList();
        foreach (var (original, copy) in planted)
        {
            Assert.Contains(pairs, p => new[] { p.GetProperty("original").GetString(), p.GetProperty("copy").GetString() }.Order().SequenceEqual(new[] { original, copy.Path }.Order()));
        }
        Assert.All(pairs.Where(p => p.GetProperty("leakage").GetBoolean()), p => Assert.True(p.GetProperty("moved").GetBoolean()));
        Assert.Equal(pairs.Count(p => p.GetProperty("moved").GetBoolean()) > 0, health.GetProperty("moved").GetInt32() > 0);

        var thumbnail = pairs[0].GetProperty("copyThumbnail").GetString();
        using var response = await fixture.Ingest.Client.GetAsync($"/datasets/health-on/versions/{version}/thumbnails/{thumbnail}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        var picture = ImageDecoder.Decode(await response.Content.ReadAsByteArrayAsync(), new DecodeOptions(3));
        Assert.True(Math.Max(picture.Width, picture.Height) <= 96);
        using var unknown = await fixture.Ingest.Client.GetAsync($"/datasets/health-on/versions/{version}/thumbnails/..%2Fmanifest.json");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var manifest = (await fixture.Ingest.Client.GetFromJsonAsync<DatasetManifest>($"/datasets/health-on/versions/{version}/manifest", JsonSerializerOptions.Web))!;
        Assert.Equal("ran", manifest.Health!.Status);
        Assert.Equal(64, manifest.Health.EmbeddingModelSha256!.Length);
        Assert.Equal("move", manifest.Health.Settings["leakage"]);
    }

    [Fact]
    public async Task An_ingest_without_the_embedding_model_still_publishes_and_the_report_says_health_was_skipped_and_why()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"platform-no-model-{Guid.NewGuid():N}", "ResNet18.onnx");
        await using var ingest = await fixture.StartOtherIngestAsync(new Dictionary<string, string?> { ["Ingest__HealthModelPath"] = missing });
        var entries = new[] { "fruit_n_veg", "transport" }
            .SelectMany(label => Directory.GetFiles(Path.Combine(RepositoryPaths.Art4Apps, label), "*.jpg").Order(StringComparer.Ordinal).Take(12)
                .Select(file => new TestArchives.Entry($"{label}/{Path.GetFileName(file)}", File.ReadAllBytes(file))))
            .ToList();

        using var upload = await ingest.Client.PostAsync("/datasets?name=health-no-model&health=on", IngestFixture.Archive(TestArchives.Zip(entries)));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var version = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
        var record = await ingest.PollAsync($"/datasets/health-no-model/versions/{version}",
            r => r.GetProperty("state").GetString() is "published" or "failed", TimeSpan.FromMinutes(2));

        Assert.Equal("published", record.GetProperty("state").GetString());
        Assert.Equal(entries.Count, record.GetProperty("report").GetProperty("splits").EnumerateArray().Sum(split => split.GetProperty("samples").GetInt32()));
        var health = record.GetProperty("report").GetProperty("health");
        Assert.Equal("skipped", health.GetProperty("status").GetString());
        var reason = health.GetProperty("reason").GetString()!;
        Assert.Contains("not installed", reason);
        Assert.DoesNotContain(Path.GetDirectoryName(missing)!, reason);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), record.GetRawText());
        var manifest = (await ingest.Client.GetFromJsonAsync<DatasetManifest>($"/datasets/health-no-model/versions/{version}/manifest", JsonSerializerOptions.Web))!;
        Assert.Equal("skipped", manifest.Health!.Status);
    }
}
