using Azure.Storage.Blobs;
using Platform.Contracts;

namespace Platform.Tracker.Sweeps;

/// <summary>
/// Which versions of a dataset are published, read from blob storage as the trainer reads them: a version is published once its
/// manifest is written (ingest writes it last). A sweep is refused before any trial starts when its dataset is not there.
/// </summary>
public sealed class DatasetVersions(BlobServiceClient blobs)
{
    private BlobContainerClient Container => blobs.GetBlobContainerClient(StorageLayout.DatasetsContainer);

    /// <summary>The version to train on: <paramref name="version"/> if it is published, else the latest published one; null when there is none.</summary>
    public async Task<int?> ResolveAsync(string dataset, int? version, CancellationToken cancellationToken)
    {
        if (!(await Container.ExistsAsync(cancellationToken)).Value)
        {
            return null;
        }
        if (version is { } given)
        {
            return (await Container.GetBlobClient(StorageLayout.DatasetManifest(dataset, given)).ExistsAsync(cancellationToken)).Value ? given : null;
        }
        int? latest = null;
        await foreach (var blob in Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{dataset}/v", cancellationToken))
        {
            var parts = blob.Name.Split('/');
            if (parts.Length == 3 && parts[2] == "manifest.json" && int.TryParse(parts[1].AsSpan(1), out var number) && number > (latest ?? 0))
            {
                latest = number;
            }
        }
        return latest;
    }
}
