using System.Net;
using System.Text.Json;

namespace Platform.Tracker.Tests;

/// <summary>The tracker's read-only route to ingest's datasets (the datasets page's data), against a real ingest process.</summary>
[Collection(TrackerCollection.Name)]
public sealed class DatasetsApiTests(TrackerFixture fixture)
{
    [Fact]
    public async Task Datasets_their_health_reports_and_thumbnails_come_from_ingest_through_the_tracker()
    {
        var version = await fixture.HealthDatasetAsync();
        var ingest = await fixture.IngestAsync();

        var datasets = await fixture.GetJsonAsync("/datasets");
        Assert.Contains(datasets.EnumerateArray(), d => d.GetProperty("name").GetString() == UiDatasets.Name
            && d.GetProperty("latestPublishedVersion").GetInt32() == version);
        var versions = (await fixture.GetJsonAsync($"/datasets/{UiDatasets.Name}")).GetProperty("versions");
        Assert.Contains(versions.EnumerateArray(), v => v.GetProperty("version").GetInt32() == version);

        var record = await fixture.GetJsonAsync($"/datasets/{UiDatasets.Name}/versions/{version}");
        Assert.Equal(JsonValueKind.Null, record.GetProperty("manifestUri").ValueKind);
        var health = record.GetProperty("report").GetProperty("health");
        Assert.Equal("ran", health.GetProperty("status").GetString());
        var pairs = health.GetProperty("nearDuplicates").EnumerateArray().ToList();
        foreach (var (copy, original) in UiDatasets.PlantedCopies)
        {
            Assert.Contains(pairs, p => new[] { p.GetProperty("original").GetString(), p.GetProperty("copy").GetString() }.Order()
                .SequenceEqual(new[] { original, copy }.Order()));
        }

        var thumbnail = pairs[0].GetProperty("copyThumbnail").GetString();
        var path = $"/datasets/{UiDatasets.Name}/versions/{version}/thumbnails/{thumbnail}";
        using var proxied = await fixture.Tracker.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Equal("image/jpeg", proxied.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await ingest.Client.GetByteArrayAsync(path), await proxied.Content.ReadAsByteArrayAsync());

        using var traversal = await fixture.Tracker.Client.GetAsync($"/datasets/{UiDatasets.Name}/versions/{version}/thumbnails/..%2Fversion.json");
        Assert.Equal(HttpStatusCode.NotFound, traversal.StatusCode);
        var (status, unknown) = await fixture.SendJsonAsync(HttpMethod.Get, "/datasets/no-such-dataset", null);
        Assert.Equal(404, status);
        Assert.Contains("no-such-dataset", unknown.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Ingest_cut_off_is_a_503_problem_naming_ingest_without_any_address_and_the_tracker_keeps_serving()
    {
        fixture.IngestRoute.Cut();
        try
        {
            foreach (var path in new[] { "/datasets", $"/datasets/{UiDatasets.Name}/versions/1", $"/datasets/{UiDatasets.Name}/versions/1/thumbnails/0123456789abcdef" })
            {
                using var response = await fixture.Tracker.Client.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal("Ingest unavailable", JsonDocument.Parse(body).RootElement.GetProperty("title").GetString());
                Assert.DoesNotContain("127.0.0.1", body);
                Assert.DoesNotContain(fixture.IngestRoute.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), body);
                Assert.DoesNotContain(Path.GetTempPath(), body);
            }
            using var alive = await fixture.Tracker.Client.GetAsync("/experiments");
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }
        finally
        {
            fixture.IngestRoute.Restore();
        }
    }
}
