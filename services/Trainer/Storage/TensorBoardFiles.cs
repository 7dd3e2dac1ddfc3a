using Azure.Storage.Blobs;
using Platform.Contracts;

namespace Platform.Trainer.Storage;

/// <summary>
/// A run's TensorBoard event files (<c>tensorboard.enabled</c>): the engine writes them to a local folder of the attempt;
/// they are stored under <c>runs/&lt;run&gt;/tensorboard/</c> before every checkpoint (<see cref="TensorBoardCheckpointStore"/>)
/// and once more when the attempt ends, completed, failed or cancelled. A resumed attempt adds its own file beside them.
/// The tracker's <c>GET /runs/{id}/tensorboard</c> serves them.
/// </summary>
public sealed class TensorBoardFiles(BlobServiceClient blobs, Guid runId) : IDisposable
{
    private readonly Dictionary<string, long> storedLengths = new(StringComparer.Ordinal);

    public string LocalDirectory { get; } = Path.Combine(Path.GetTempPath(), "platform-tensorboard", $"{runId:N}-{Guid.NewGuid():N}");

    /// <summary>Uploads every event file of the attempt that grew since it was last stored (storage outages are waited out by <paramref name="outage"/>).</summary>
    public async Task StoreAsync(StorageOutage outage, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(StorageLayout.RunsContainer);
        foreach (var (file, length) in Changed())
        {
            await outage.WaitOutAsync($"TensorBoard file {Path.GetFileName(file)}", async token =>
            {
                await container.CreateIfNotExistsAsync(cancellationToken: token);
                await using var upload = OpenPrefix(file, length);
                await container.GetBlobClient(BlobName(file)).UploadAsync(upload, overwrite: true, token);
            }, cancellationToken);
            storedLengths[file] = length;
        }
    }

    /// <summary>As <see cref="StoreAsync"/>, for the training thread (its own thread, which blocks anyway between steps).</summary>
    public void Store(StorageOutage outage, CancellationToken cancellationToken) =>
        StoreAsync(outage, cancellationToken).GetAwaiter().GetResult();

    private List<(string File, long Length)> Changed()
    {
        if (!Directory.Exists(LocalDirectory))
        {
            return [];
        }
        return [.. Directory.GetFiles(LocalDirectory, "events.out.tfevents*")
            .Select(file => (File: file, Length: new FileInfo(file).Length))
            .Where(f => f.Length != storedLengths.GetValueOrDefault(f.File, -1))];
    }

    // The engine keeps appending while a checkpoint stores the file: only the records flushed when it was measured are sent,
    // so a stored file never ends in half a record.
    private static Stream OpenPrefix(string file, long length)
    {
        using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var prefix = new byte[length];
        source.ReadExactly(prefix);
        return new MemoryStream(prefix, writable: false);
    }

    private string BlobName(string file) => StorageLayout.RunTensorBoardPrefix(runId) + Path.GetFileName(file);

    public void Dispose()
    {
        if (Directory.Exists(LocalDirectory))
        {
            Directory.Delete(LocalDirectory, recursive: true);
        }
    }
}
