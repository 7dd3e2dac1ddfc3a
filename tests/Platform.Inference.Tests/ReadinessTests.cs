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
            var failure = await Assert.ThrowsAsync<TimeoutException>(() =>
                Platform.Testing.ServiceHost.StartAsync("Platform.Inference", fixture.Servers.ServiceEnvironment(), TimeSpan.FromSeconds(15)));
            Assert.Contains("Not loaded yet: ghost@production → v1", failure.Message);
        }
        finally
        {
            await record.DeleteIfExistsAsync();
        }
    }
}
