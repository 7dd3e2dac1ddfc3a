using System.Net;
using System.Text.Json;
using Platform.Contracts;
using Platform.Testing;

namespace Platform.Ingest.Tests;

[Collection(IngestCollection.Name)]
public sealed class IngestLifecycleTests(IngestFixture fixture)
{
    [Fact]
    public async Task While_blob_storage_is_down_an_upload_answers_503_with_retry_after_and_records_nothing_and_once_it_is_back_uploads_publish()
    {
        var archive = TestArchives.Zip(Enumerable.Range(0, 6).Select(i => new TestArchives.Entry($"{(i % 2 == 0 ? "cat" : "dog")}/{i}.png", TestArchives.Png(800 + i))));

        await using (fixture.Servers.BlobStorageOutage())
        {
            using var refused = await fixture.Ingest.Client.PostAsync("/datasets?name=storage-outage", IngestFixture.Archive(archive));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
        }
        await Eventually.UntilAsync(async () =>
        {
            using var health = await fixture.Ingest.Client.GetAsync("/health");
            return health.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), () => fixture.Ingest.Output);

        var accepted = await fixture.UploadAsync("name=storage-outage", IngestFixture.Archive(archive));
        var record = await fixture.WaitForOutcomeAsync("storage-outage", accepted.GetProperty("version").GetInt32());

        Assert.Equal(1, record.GetProperty("version").GetInt32()); // the refused upload left no version behind
        Assert.Equal("published", record.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_restart_during_an_ingest_leaves_no_partial_version_visible()
    {
        var process = await fixture.UseIngestProcessAsync();
        using var content = IngestFixture.FashionMnistUpload("train");
        var accepted = await fixture.UploadAsync("name=interrupted", content);
        var version = accepted.GetProperty("version").GetInt32();
        await fixture.Ingest.PollAsync($"/datasets/interrupted/versions/{version}",
            record => record.GetProperty("state").GetString() == "processing" && record.GetProperty("progress").GetProperty("filesRead").GetInt32() > 0,
            TimeSpan.FromMinutes(1));

        await process.KillAsync();
        await fixture.UseInProcessIngestAsync();
        var record = await fixture.WaitForOutcomeAsync("interrupted", version, TimeSpan.FromMinutes(1));

        Assert.Equal("failed", record.GetProperty("state").GetString());
        Assert.StartsWith("interrupted", record.GetProperty("error").GetString());
        Assert.Equal([$"datasets/interrupted/v{version}/version.json"], await fixture.BlobNamesAsync($"datasets/interrupted/v{version}/"));
        using var manifest = await fixture.Ingest.Client.GetAsync($"/datasets/interrupted/versions/{version}/manifest");
        Assert.Equal(HttpStatusCode.NotFound, manifest.StatusCode);
    }

    [Fact]
    public async Task Publishing_announces_the_version_and_a_version_that_a_run_uses_cannot_be_deleted()
    {
        await using var bus = await RecordingBus.StartAsync(fixture.Servers.MessagingConnectionString!, "ingest-tests-dataset-published",
            watch => watch.Record<DatasetPublished>());
        var archive = TestArchives.Zip(Enumerable.Range(0, 8).Select(i => new TestArchives.Entry($"{(i < 4 ? "a" : "b")}/{i}.png", TestArchives.Png(500 + i))));
        var accepted = await fixture.UploadAsync("name=in-use", IngestFixture.Archive(archive));
        var version = accepted.GetProperty("version").GetInt32();
        var announcement = await bus.WaitForAsync<DatasetPublished>(message => message.Name == "in-use", TimeSpan.FromMinutes(1));
        Assert.Equal(version, announcement.Version);
        Assert.Equal(["a", "b"], announcement.Classes);
        Assert.Equal(8, announcement.TrainCount + announcement.ValidationCount + announcement.TestCount);

        var runId = Guid.NewGuid();
        await bus.PublishAsync(new TrainModel(runId, "exp", "in-use", version, "model", "{}", DateTimeOffset.UtcNow));
        await fixture.Ingest.PollAsync($"/datasets/in-use/versions/{version}/runs",
            runs => runs.EnumerateArray().Any(run => run.GetGuid() == runId), TimeSpan.FromSeconds(30));
        using var refused = await fixture.Ingest.Client.DeleteAsync($"/datasets/in-use/versions/{version}");
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains(runId.ToString(), problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_version_nobody_uses_can_be_deleted_and_is_gone_afterwards()
    {
        var archive = TestArchives.Zip(Enumerable.Range(0, 4).Select(i => new TestArchives.Entry($"{(i < 2 ? "a" : "b")}/{i}.png", TestArchives.Png(600 + i))));
        var accepted = await fixture.UploadAsync("name=deletable", IngestFixture.Archive(archive));
        var version = accepted.GetProperty("version").GetInt32();
        await fixture.WaitForOutcomeAsync("deletable", version);

        using var deleted = await fixture.Ingest.Client.DeleteAsync($"/datasets/deletable/versions/{version}");
        using var after = await fixture.Ingest.Client.GetAsync($"/datasets/deletable/versions/{version}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Empty(await fixture.BlobNamesAsync($"datasets/deletable/v{version}/"));
    }

    [Theory]
    [InlineData("/datasets?name=Bad_Name", HttpStatusCode.BadRequest, "name")]
    [InlineData("/datasets?name=ok&split=0.9,0.2,0.1", HttpStatusCode.BadRequest, "split")]
    public async Task Invalid_upload_options_are_answered_with_a_validation_problem_before_reading_the_body(string path, HttpStatusCode status, string field)
    {
        using var response = await fixture.Ingest.Client.PostAsync(path, new ByteArrayContent(TestArchives.Zip([])));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(status, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Unknown_datasets_and_versions_are_answered_with_a_problem_not_found()
    {
        using var dataset = await fixture.Ingest.Client.GetAsync("/datasets/no-such-dataset");
        using var version = await fixture.Ingest.Client.GetAsync("/datasets/no-such-dataset/versions/3");

        Assert.Equal(HttpStatusCode.NotFound, dataset.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, version.StatusCode);
        Assert.Equal("application/problem+json", dataset.Content.Headers.ContentType?.MediaType);
    }
}
