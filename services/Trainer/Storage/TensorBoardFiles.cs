using Azure.Storage.Blobs;
using Platform.Contracts;

namespace Platform.Trainer.Storage;

/// <summary>
/// A run's TensorBoard event files (<c>tensorboard.enabled</c>): the engine writes them to a local folder of the attempt,
/// and when the attempt ends, completed, failed or cancelled, they are stored under <c>runs/&lt;run&gt;/tensorboard/</c>
/// beside the checkpoints, where a resumed attempt adds its own file. The tracker's <c>GET /runs/{id}/tensorboard</c> serves them.
/// </summary>
public sealed class TensorBoardFiles(BlobServiceClient blobs, Guid runId) : IDisposable
{
    public string LocalDirectory { get; } = Path.Combine(Path.GetTempPath(), "platform-tensorboard", $"{runId:N}-{Guid.NewGuid():N}");

    /// <summary>Uploads every event file of the attempt (storage outages are waited out by <paramref name="outage"/>).</summary>
    public async Task StoreAsync(StorageOutage outage, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(LocalDirectory))
        {
            return;
        }

        var container = blobs.GetBlobContainerClient(StorageLayout.RunsContainer);
        foreach (var file in Directory.GetFiles(LocalDirectory, "events.out.tfevents*"))
        {
            await outage.WaitOutAsync($"TensorBoard file {Path.GetFileName(file)}", async token =>
            {
                await container.CreateIfNotExistsAsync(cancellationToken: token);
                await using var upload = File.OpenRead(file);
                await container.GetBlobClient(StorageLayout.RunTensorBoardPrefix(runId) + Path.GetFileName(file)).UploadAsync(upload, overwrite: true, token);
            }, cancellationToken);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(LocalDirectory))
        {
            Directory.Delete(LocalDirectory, recursive: true);
        }
    }
}
