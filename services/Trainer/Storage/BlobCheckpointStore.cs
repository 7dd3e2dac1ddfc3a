using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Platform.Contracts;
using Platform.Training.Checkpoints;

namespace Platform.Trainer.Storage;

/// <summary>
/// Checkpoints of one run in <c>runs/{runId}/checkpoints/</c>. The checkpoint is first written to a local temp file,
/// then uploaded: a block blob changes only when its block list is committed at the end of the upload, so a reader
/// (or a trainer resuming after a crash) sees the previous checkpoint or the new one whole, never part of one. That is
/// the blob-storage form of write-to-temp-then-rename. (A blob write stream would not do: opening one with overwrite
/// commits an empty blob at once.) While storage is unreachable the upload waits (<see cref="StorageOutage"/>): training
/// pauses at its checkpoint with its state in memory and goes on once the checkpoint is stored.
/// </summary>
public sealed class BlobCheckpointStore(BlobServiceClient blobs, Guid runId, StorageOutage outage, CancellationToken cancellationToken) : ICheckpointStore
{
    private readonly BlobContainerClient container = blobs.GetBlobContainerClient(StorageLayout.RunsContainer);

    public void Write(string name, Action<Stream> write)
    {
        var temporary = Path.Combine(Path.GetTempPath(), $"checkpoint-{runId:N}-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = File.Create(temporary))
            {
                write(file);
            }
            outage.WaitOut($"checkpoint {name}", () =>
            {
                container.CreateIfNotExists(cancellationToken: cancellationToken);
                using var upload = File.OpenRead(temporary);
                container.GetBlobClient(StorageLayout.RunCheckpoint(runId, name)).Upload(upload, overwrite: true, cancellationToken);
            }, cancellationToken);
        }
        finally
        {
            File.Delete(temporary);
        }
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

    public void Delete(string name) =>
        outage.WaitOut($"removing checkpoint {name}", () => container.GetBlobClient(StorageLayout.RunCheckpoint(runId, name)).DeleteIfExists(cancellationToken: cancellationToken),
            cancellationToken);
}
