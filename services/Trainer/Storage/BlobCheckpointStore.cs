using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Platform.Contracts;
using Platform.Training.Checkpoints;

namespace Platform.Trainer.Storage;

/// <summary>
/// Checkpoints of one run in <c>runs/{runId}/checkpoints/</c>. A block blob becomes visible only when its
/// block list is committed, at the end of the upload, so a reader sees the previous checkpoint or the new
/// one whole — never half of one; that is the blob-storage form of write-to-temp-then-rename.
/// </summary>
public sealed class BlobCheckpointStore(BlobServiceClient blobs, Guid runId) : ICheckpointStore
{
    private readonly BlobContainerClient container = blobs.GetBlobContainerClient(StorageLayout.RunsContainer);

    public void Write(string name, Action<Stream> write)
    {
        container.CreateIfNotExists();
        using var stream = container.GetBlobClient(StorageLayout.RunCheckpoint(runId, name)).OpenWrite(overwrite: true);
        write(stream);
    }

    public Stream? OpenRead(string name)
    {
        try
        {
            var download = container.GetBlobClient(StorageLayout.RunCheckpoint(runId, name)).DownloadStreaming();
            var local = new MemoryStream();
            download.Value.Content.CopyTo(local);
            local.Position = 0;
            return local;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    public IReadOnlyList<string> List()
    {
        if (!container.Exists())
        {
            return [];
        }
        var prefix = StorageLayout.RunCheckpoint(runId, "");
        return container.GetBlobs(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None)
            .Select(blob => blob.Name[prefix.Length..])
            .ToList();
    }

    public void Delete(string name) => container.GetBlobClient(StorageLayout.RunCheckpoint(runId, name)).DeleteIfExists();
}
