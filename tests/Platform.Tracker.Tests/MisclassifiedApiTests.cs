using System.Net;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Runs;

namespace Platform.Tracker.Tests;

/// <summary><c>GET /runs/{id}/misclassified</c> and its thumbnails, over a gallery stored as the trainer stores it.</summary>
[Collection(TrackerCollection.Name)]
public sealed class MisclassifiedApiTests(TrackerFixture fixture)
{
    private async Task<(Guid Run, MisclassifiedGallery Stored)> RunWithGalleryAsync()
    {
        var run = await UiRuns.LogAsync(fixture.Tracker, "misclassified-api", epochs: 1);
        return (run, await StoredGalleries.WriteAsync(fixture.Servers.BlobConnectionString!, run));
    }

    private async Task<(HttpStatusCode Status, string? MediaType, byte[] Body)> GetAsync(string path)
    {
        using var response = await fixture.Tracker.Client.GetAsync(path);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_stored_index_and_each_thumbnail_it_names_are_served_as_stored()
    {
        var (run, stored) = await RunWithGalleryAsync();

        var index = MisclassifiedGallery.FromJson((await fixture.GetJsonAsync($"/runs/{run}/misclassified")).GetRawText());
        Assert.Equal(stored.ToJson(), index.ToJson());

        var thumbnails = StoredGalleries.Runs(fixture.Servers.BlobConnectionString!);
        foreach (var example in index.Examples)
        {
            var (status, mediaType, body) = await GetAsync($"/runs/{run}/misclassified/{example.Thumbnail}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("image/png", mediaType);
            var expected = (await thumbnails.GetBlobClient(StorageLayout.RunMisclassifiedThumbnail(run, example.Thumbnail)).DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(expected, body);
        }
    }

    [Fact]
    public async Task A_run_without_a_gallery_and_an_unknown_run_answer_404_problem_details_that_say_why()
    {
        var without = await UiRuns.LogAsync(fixture.Tracker, "misclassified-api", epochs: 1);
        var unknown = Guid.NewGuid();

        var (status, problem) = await fixture.SendJsonAsync(HttpMethod.Get, $"/runs/{without}/misclassified", null);
        Assert.Equal(404, status);
        Assert.Equal("No misclassified examples", problem.GetProperty("title").GetString());
        Assert.Contains("monitoring.misclassifiedExamples", problem.GetProperty("detail").GetString());

        var (unknownStatus, unknownProblem) = await fixture.SendJsonAsync(HttpMethod.Get, $"/runs/{unknown}/misclassified", null);
        Assert.Equal(404, unknownStatus);
        Assert.Equal("Run not found", unknownProblem.GetProperty("title").GetString());
        var (thumbnailStatus, thumbnailProblem) = await fixture.SendJsonAsync(HttpMethod.Get, $"/runs/{without}/misclassified/1.png", null);
        Assert.Equal(404, thumbnailStatus);
        Assert.Equal("Thumbnail not found", thumbnailProblem.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("4.png")] // past the index's three examples, although a blob of that name is stored
    [InlineData("0.png")]
    [InlineData("01.png")]
    [InlineData("index.json")]
    [InlineData("1.PNG")]
    [InlineData("1.png.json")]
    [InlineData("..%2Findex.json")]
    [InlineData("..%2F..%2Fcheckpoints%2Flatest.ckpt")]
    [InlineData("%2E%2E%2Fmisclassified%2F1.png")]
    public async Task Only_the_thumbnails_the_index_names_are_served(string file)
    {
        var (run, _) = await RunWithGalleryAsync();
        // A file beside the gallery's that its index does not name: served by no request.
        await StoredGalleries.Runs(fixture.Servers.BlobConnectionString!).GetBlobClient(StorageLayout.RunMisclassifiedThumbnail(run, "4.png"))
            .UploadAsync(BinaryData.FromString("not in the index"), overwrite: true);

        var (status, mediaType, body) = await GetAsync($"/runs/{run}/misclassified/{file}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal("Thumbnail not found", JsonDocument.Parse(body).RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_stored_file_larger_than_any_the_trainer_writes_is_refused_without_reading_it_whole()
    {
        var (run, _) = await RunWithGalleryAsync();
        var runs = StoredGalleries.Runs(fixture.Servers.BlobConnectionString!);
        await runs.GetBlobClient(StorageLayout.RunMisclassifiedThumbnail(run, "2.png")).UploadAsync(BinaryData.FromBytes(new byte[MisclassifiedGallery.MaxThumbnailBytes + 1]), overwrite: true);

        var (status, problem) = await fixture.SendJsonAsync(HttpMethod.Get, $"/runs/{run}/misclassified/2.png", null);
        Assert.Equal(500, status);
        Assert.Equal("Misclassified gallery unreadable", problem.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/runs/{run}/misclassified/1.png")).Status);

        // An index that is not one (here: names a path) is refused as a whole, naming no server path.
        await runs.GetBlobClient(StorageLayout.RunMisclassifiedIndex(run)).UploadAsync(BinaryData.FromString(
            (await runs.GetBlobClient(StorageLayout.RunMisclassifiedIndex(run)).DownloadContentAsync()).Value.Content.ToString().Replace("\"1.png\"", "\"../1.png\"")),
            overwrite: true);
        var (indexStatus, indexProblem) = await fixture.SendJsonAsync(HttpMethod.Get, $"/runs/{run}/misclassified", null);
        Assert.Equal(500, indexStatus);
        Assert.DoesNotContain("/tmp", indexProblem.GetProperty("detail").GetString());
    }
}
