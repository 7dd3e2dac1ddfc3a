using Azure.Storage.Blobs;
using Platform.Testing;

namespace Platform.Trainer.Tests;

/// <summary>A real Azurite and nothing else, shared by the tests of one class.</summary>
public sealed class BlobStorageFixture : IAsyncLifetime
{
    private LocalServers servers = null!;

    public BlobServiceClient Blobs { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        servers = await LocalServers.StartAsync(blobs: true, messaging: false);
        Blobs = new BlobServiceClient(servers.BlobConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (servers is not null)
        {
            await servers.DisposeAsync();
        }
    }
}
