using Platform.Contracts;

namespace Platform.Inference.Tests;

[Collection(InferenceCollection.Name)]
public sealed class ReadinessTests(InferenceFixture fixture)
{
    [Fact]
    public async Task An_instance_whose_promoted_version_cannot_load_is_not_ready_and_names_it()
    {
        // A recorded promotion whose package was never written: the instance keeps retrying and must not report ready.
        var record = fixture.Blobs.GetBlobContainerClient(StorageLayout.ModelsContainer).GetBlobClient("ghost/aliases/production.json");
        var ghost = new ModelPromoted("ghost", 1, "production", Guid.NewGuid(), "", DateTimeOffset.UtcNow);
        await record.UploadAsync(BinaryData.FromObjectAsJson(ghost, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)), overwrite: true);
        try
        {
            await using var instance = await Platform.Testing.ServiceHost.StartAsync("Platform.Inference", fixture.Servers.ServiceEnvironment(), readyPath: "/alive");
            // Readiness names what it waits for as soon as the first load has failed, and stays unready while it retries.
            var status = await Platform.Testing.Eventually.ValueAsync(async () =>
                {
                    using var health = await instance.Client.GetAsync("/health");
                    using var report = System.Text.Json.JsonDocument.Parse(await health.Content.ReadAsStringAsync());
                    var descriptions = report.RootElement.GetProperty("checks").EnumerateArray().Select(check => check.GetProperty("description").GetString());
                    return descriptions.Any(d => d?.Contains("Not loaded yet: ghost@production → v1", StringComparison.Ordinal) == true) ? health.StatusCode.ToString() : null;
                },
                TimeSpan.FromSeconds(30), () => instance.Output);
            Assert.Equal(nameof(System.Net.HttpStatusCode.ServiceUnavailable), status);
            await Task.Delay(TimeSpan.FromSeconds(2));
            using var later = await instance.Client.GetAsync("/health");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, later.StatusCode);
        }
        finally
        {
            await record.DeleteIfExistsAsync();
        }
    }
}
