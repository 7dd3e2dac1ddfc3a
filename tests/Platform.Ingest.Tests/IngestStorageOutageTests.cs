using System.Net;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ingest.Tests;

[Collection(IngestCollection.Name)]
public sealed class IngestStorageOutageTests(IngestFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Blob_storage_lost_while_a_version_is_processed_ends_it_published_whole_or_failed_with_its_reason_never_partial()
    {
        using var content = IngestFixture.FashionMnistUpload("train");
        var accepted = await fixture.UploadAsync("name=storage-lost", content);
        var version = accepted.GetProperty("version").GetInt32();
        await fixture.Ingest.PollAsync($"/datasets/storage-lost/versions/{version}",
            record => record.GetProperty("state").GetString() == "processing" && record.GetProperty("progress").GetProperty("filesRead").GetInt32() > 0,
            TimeSpan.FromMinutes(1));

        // Past the storage client's retries (~12 s) and the version's heartbeat deadline (4 s here).
        await using (fixture.Servers.BlobStorageOutage())
        {
            await Task.Delay(TimeSpan.FromSeconds(15));
        }
        var record = await fixture.WaitForOutcomeAsync("storage-lost", version, TimeSpan.FromMinutes(2));

        output.WriteLine($"outcome: {record.GetProperty("state").GetString()} {record.GetProperty("error")}");
        var prefix = $"datasets/storage-lost/v{version}/";
        using var manifest = await fixture.Ingest.Client.GetAsync($"/datasets/storage-lost/versions/{version}/manifest");
        if (record.GetProperty("state").GetString() == "published")
        {
            Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
            Assert.True(record.GetProperty("progress").GetProperty("accepted").GetInt32() >= 59_000, record.ToString());
        }
        else
        {
            var error = record.GetProperty("error").GetString()!;
            Assert.True(error.StartsWith("storage-unavailable", StringComparison.Ordinal) || error.StartsWith("interrupted", StringComparison.Ordinal), error);
            Assert.DoesNotContain("/tmp", error);
            Assert.Equal(HttpStatusCode.NotFound, manifest.StatusCode);
            await Eventually.UntilAsync(async () => (await fixture.BlobNamesAsync(prefix)).SequenceEqual([$"{prefix}version.json"]),
                TimeSpan.FromSeconds(30), () => string.Join(", ", fixture.BlobNamesAsync(prefix).Result));
        }
        using var health = await fixture.Ingest.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
