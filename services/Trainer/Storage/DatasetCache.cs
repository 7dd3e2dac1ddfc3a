using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Trainer.Jobs;
using Platform.Imaging.Formats.Shards;

namespace Platform.Trainer.Storage;

/// <summary>
/// Copies a dataset version's shards from blob storage into a local cache, once, and checks each against the
/// SHA-256 in the manifest, so training reads local files and a damaged download is never trained on.
/// </summary>
public sealed class DatasetCache(BlobServiceClient blobs, IOptions<TrainerOptions> options, ILogger<DatasetCache> logger)
{
    private static readonly SemaphoreSlim Downloads = new(1, 1);

    public async Task<(DatasetManifest Manifest, string Folder)> GetAsync(string dataset, int version, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(StorageLayout.DatasetsContainer);
        DatasetManifest manifest;
        try
        {
            var content = await container.GetBlobClient(StorageLayout.DatasetManifest(dataset, version)).DownloadContentAsync(cancellationToken);
            manifest = DatasetManifest.FromJson(content.Value.Content.ToString());
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            throw new DatasetUnavailableException($"Dataset '{dataset}' v{version} is not published (no manifest). Ingest it first, or check the name and version.");
        }
        catch (InvalidDataException exception)
        {
            throw new DatasetUnavailableException($"The manifest of dataset '{dataset}' v{version} is invalid: {exception.Message}");
        }

        var folder = Path.Combine(options.Value.ResolvedCacheFolder, dataset, $"v{version}");
        Directory.CreateDirectory(folder);
        await Downloads.WaitAsync(cancellationToken);
        try
        {
            foreach (var shard in manifest.Shards)
            {
                var path = Path.Combine(folder, shard.Name);
                if (File.Exists(path) && new FileInfo(path).Length == shard.Bytes && await ShardFiles.Sha256Async(path, cancellationToken) == shard.Sha256)
                {
                    continue;
                }
                var partial = path + ".partial";
                await container.GetBlobClient(StorageLayout.DatasetShard(dataset, version, shard.Name)).DownloadToAsync(partial, cancellationToken);
                var actual = await ShardFiles.Sha256Async(partial, cancellationToken);
                if (actual != shard.Sha256)
                {
                    File.Delete(partial);
                    throw new DatasetUnavailableException($"Shard {shard.Name} of '{dataset}' v{version} does not match its manifest (SHA-256 {actual}, expected {shard.Sha256}).");
                }
                File.Move(partial, path, overwrite: true);
                logger.LogInformation("Cached shard {Shard} of {Dataset} v{Version} ({Bytes} bytes)", shard.Name, dataset, version, shard.Bytes);
            }
        }
        finally
        {
            Downloads.Release();
        }
        return (manifest, folder);
    }
}
