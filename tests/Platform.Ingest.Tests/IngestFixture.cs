using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Storage.Blobs;
using Platform.Testing;

namespace Platform.Ingest.Tests;

/// <summary>
/// Real Azurite and RabbitMQ processes and the ingest service hosted in the test process (its real Program on a loopback
/// port); the test that kills ingest mid-version switches to an ingest process for its duration (<see cref="UseIngestProcessAsync"/>).
/// </summary>
public sealed class IngestFixture : IAsyncLifetime
{
    public LocalServers Servers { get; private set; } = null!;

    public ServiceUnderTest Ingest { get; private set; } = null!;

    public BlobServiceClient Blobs { get; private set; } = null!;

    public static readonly IReadOnlyDictionary<string, string?> FastSweeping = new Dictionary<string, string?>
    {
        ["Ingest__HeartbeatInterval"] = "00:00:01",
        ["Ingest__AbandonedAfter"] = "00:00:04",
        // Uploads of the other tests are not health-checked (it would cost each seconds and may move near-identical synthetic
        // images between splits); the health tests ask for health=on.
        ["Ingest__HealthAutoMaxImages"] = "0",
    };

    public async Task InitializeAsync()
    {
        Servers = await LocalServers.StartAsync(blobs: true, messaging: true);
        Blobs = new BlobServiceClient(Servers.BlobConnectionString);
        Ingest = await StartIngestAsync();
    }

    private IReadOnlyDictionary<string, string?> Settings => Servers.ServiceEnvironment().Concat(FastSweeping).ToDictionary();

    private async Task<ServiceUnderTest> StartIngestAsync() => await InProcessService<Program>.StartAsync(Settings, port: Port);

    /// <summary>A second ingest in the test process on the same servers, with settings of its own (the caller disposes it).</summary>
    public async Task<ServiceUnderTest> StartOtherIngestAsync(IReadOnlyDictionary<string, string?> settings) =>
        await InProcessService<Program>.StartAsync(Settings.Concat(settings).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value),
            port: FreePort.Next());

    public int Port { get; } = FreePort.Next();

    /// <summary>Replaces the in-process ingest by an ingest process on the same port, for a test that kills it.</summary>
    public async Task<ServiceHost> UseIngestProcessAsync()
    {
        await Ingest.DisposeAsync();
        var process = await ServiceHost.StartAsync("Platform.Ingest", Settings, port: Port);
        Ingest = process;
        return process;
    }

    /// <summary>An ingest in the test process again, on the same port and storage (after a kill: as an orchestrator restarts one).</summary>
    public async Task UseInProcessIngestAsync()
    {
        await Ingest.DisposeAsync();
        Ingest = await StartIngestAsync();
    }

    public async Task<JsonElement> UploadAsync(string query, HttpContent content)
    {
        using var response = await Ingest.Client.PostAsync($"/datasets?{query}", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A Fashion-MNIST IDX pair ("train" or "t10k") as the multipart upload the ingest API takes.</summary>
    public static MultipartFormDataContent FashionMnistUpload(string set)
    {
        var content = new MultipartFormDataContent();
        foreach (var (part, file) in new[] { ("images", $"{set}-images-idx3-ubyte.gz"), ("labels", $"{set}-labels-idx1-ubyte.gz") })
        {
            var path = RepositoryPaths.RequireFile(Path.Combine(RepositoryPaths.FashionMnistFolder, file), "run scripts/setup.sh (dataset-fashion-mnist)");
            content.Add(new StreamContent(File.OpenRead(path)), part, file);
        }
        return content;
    }

    public static HttpContent Archive(byte[] archive)
    {
        var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }

    /// <summary>Waits until the version is published or failed, and returns its record.</summary>
    public Task<JsonElement> WaitForOutcomeAsync(string name, int version, TimeSpan? timeout = null) =>
        Ingest.PollAsync($"/datasets/{name}/versions/{version}",
            record => record.GetProperty("state").GetString() is "published" or "failed",
            timeout ?? TimeSpan.FromMinutes(3));

    public async Task<IReadOnlyList<string>> BlobNamesAsync(string prefix = "")
    {
        var names = new List<string>();
        await foreach (var container in Blobs.GetBlobContainersAsync())
        {
            await foreach (var blob in Blobs.GetBlobContainerClient(container.Name).GetBlobsAsync(
                Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, null, default))
            {
                var full = $"{container.Name}/{blob.Name}";
                if (full.StartsWith(prefix, StringComparison.Ordinal))
                {
                    names.Add(full);
                }
            }
        }
        return names;
    }

    /// <summary>The content of a blob named as <see cref="BlobNamesAsync"/> names it ("container/blob").</summary>
    public async Task<byte[]> DownloadAsync(string fullName)
    {
        var slash = fullName.IndexOf('/');
        var result = await Blobs.GetBlobContainerClient(fullName[..slash]).GetBlobClient(fullName[(slash + 1)..]).DownloadContentAsync();
        return result.Value.Content.ToArray();
    }

    public async Task DisposeAsync()
    {
        if (Ingest is not null)
        {
            await Ingest.DisposeAsync();
        }
        if (Servers is not null)
        {
            await Servers.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class IngestCollection : ICollectionFixture<IngestFixture>
{
    public const string Name = "ingest service";
}
