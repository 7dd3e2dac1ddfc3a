using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Platform.Contracts;
using Platform.Contracts.Runs;

namespace Platform.Tracker.Runs;

/// <summary>
/// Reads the misclassified gallery the trainer stored in a run's folder. Only the index's own entries name thumbnails, and every read is
/// bounded (<see cref="MisclassifiedGallery.MaxIndexBytes"/>, <see cref="MisclassifiedGallery.MaxThumbnailBytes"/>): nothing a request
/// carries becomes a blob name, and a misbehaving writer cannot fill the tracker's memory.
/// </summary>
public sealed class MisclassifiedGalleryReader(BlobServiceClient blobs)
{
    /// <summary>The run's index: null when none is stored.</summary>
    /// <exception cref="InvalidDataException">The stored index is not one (too large, not JSON of the index, another run's).</exception>
    public async Task<MisclassifiedGallery?> GetIndexAsync(Guid runId, CancellationToken cancellationToken)
    {
        var bytes = await ReadAsync(StorageLayout.RunMisclassifiedIndex(runId), MisclassifiedGallery.MaxIndexBytes, cancellationToken);
        if (bytes is null)
        {
            return null;
        }
        MisclassifiedGallery index;
        try
        {
            index = MisclassifiedGallery.FromJson(System.Text.Encoding.UTF8.GetString(bytes));
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The stored index of run {runId} is not a misclassified gallery index ({exception.Message}).", exception);
        }
        if (index.RunId != runId)
        {
            throw new InvalidDataException($"The stored index of run {runId} is another run's ({index.RunId}).");
        }
        if (index.Examples.FirstOrDefault(e => !MisclassifiedGallery.IsThumbnailName(e.Thumbnail)) is { } odd)
        {
            throw new InvalidDataException($"The stored index of run {runId} names a thumbnail '{odd.Thumbnail}' that the trainer does not write.");
        }
        return index;
    }

    /// <summary>The PNG of the thumbnail named <paramref name="file"/>, or null when the run's index names no such thumbnail or it is missing.</summary>
    /// <exception cref="InvalidDataException">The index is unreadable, or the thumbnail is larger than any the trainer writes.</exception>
    public async Task<byte[]?> GetThumbnailAsync(Guid runId, string file, CancellationToken cancellationToken)
    {
        if (!MisclassifiedGallery.IsThumbnailName(file))
        {
            return null;
        }
        var index = await GetIndexAsync(runId, cancellationToken);
        // The blob name is the index's own string, not the request's: the request only picks among the names the index holds.
        var named = index?.Examples.FirstOrDefault(e => string.Equals(e.Thumbnail, file, StringComparison.Ordinal))?.Thumbnail;
        return named is null ? null : await ReadAsync(StorageLayout.RunMisclassifiedThumbnail(runId, named), MisclassifiedGallery.MaxThumbnailBytes, cancellationToken);
    }

    /// <summary>At most <paramref name="maxBytes"/> of a blob of the runs container; null when it (or the container) does not exist.</summary>
    private async Task<byte[]?> ReadAsync(string name, int maxBytes, CancellationToken cancellationToken)
    {
        var blob = blobs.GetBlobContainerClient(StorageLayout.RunsContainer).GetBlobClient(name);
        try
        {
            // One byte past the bound tells a blob that is too large from one that just fits, without reading the rest.
            var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(0, maxBytes + 1L) }, cancellationToken);
            await using var content = download.Value.Content;
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, cancellationToken);
            return copy.Length > maxBytes
                ? throw new InvalidDataException($"A stored file of the run's misclassified gallery is larger than {maxBytes} bytes.")
                : copy.ToArray();
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException exception) when (exception.Status == 416)
        {
            // An empty blob has no byte 0 to start a range at.
            return [];
        }
    }
}
