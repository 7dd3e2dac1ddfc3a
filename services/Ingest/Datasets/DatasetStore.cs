using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Platform.Contracts;
using Platform.Imaging.Formats.Shards;
using Platform.Contracts.Datasets;

namespace Platform.Ingest.Datasets;

/// <summary>
/// The blob layout of datasets, in container <c>datasets</c>:
/// <c>{name}/v{n}/version.json</c> (state, progress, report), <c>{name}/v{n}/shards/*.plshard</c>,
/// <c>{name}/v{n}/usage/{runId}</c> (runs that train on it), <c>{name}/v{n}/thumbnails/{key}.jpg</c> (of the images the health
/// check reports) and, written last, <c>{name}/v{n}/manifest.json</c>.
/// Nothing is ever written outside <c>{name}/v{n}/</c>.
/// </summary>
public sealed class DatasetStore(BlobServiceClient blobs, TimeProvider time)
{
    public const string ContainerName = StorageLayout.DatasetsContainer;
    private const string RecordFile = "version.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private BlobContainerClient Container => blobs.GetBlobContainerClient(ContainerName);

    public static string VersionPrefix(string name, int version) => StorageLayout.DatasetVersionPrefix(name, version);

    public static string ShardBlobName(string name, int version, string shardName) => StorageLayout.DatasetShard(name, version, shardName);

    public Task EnsureContainerAsync(CancellationToken cancellationToken) =>
        Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Claims the next free version number with a create-if-absent write, so concurrent uploads never share one.</summary>
    public async Task<DatasetVersionRecord> CreateVersionAsync(string name, IngestSettings settings, string source, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        var version = (await ListVersionNumbersAsync(name, cancellationToken)).DefaultIfEmpty(0).Max() + 1;
        while (true)
        {
            var now = time.GetUtcNow();
            var record = new DatasetVersionRecord(name, version, DatasetVersionState.Receiving, settings, source,
                IngestProgress.None, null, null, null, now, now, now);
            try
            {
                await Container.GetBlobClient(VersionPrefix(name, version) + RecordFile).UploadAsync(
                    BinaryData.FromObjectAsJson(record, Json),
                    new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                    cancellationToken);
                return record;
            }
            catch (RequestFailedException exception) when (exception.Status is 409 or 412)
            {
                version++;
            }
        }
    }

    public async Task SaveAsync(DatasetVersionRecord record, CancellationToken cancellationToken) =>
        await Container.GetBlobClient(VersionPrefix(record.Name, record.Version) + RecordFile).UploadAsync(
            BinaryData.FromObjectAsJson(record with { UpdatedAt = time.GetUtcNow() }, Json), overwrite: true, cancellationToken);

    public async Task<DatasetVersionRecord?> GetAsync(string name, int version, CancellationToken cancellationToken) =>
        (await GetWithETagAsync(name, version, cancellationToken))?.Record;

    /// <summary>The record and its ETag, for a later <see cref="TrySaveIfUnchangedAsync"/>.</summary>
    public async Task<(DatasetVersionRecord Record, ETag ETag)?> GetWithETagAsync(string name, int version, CancellationToken cancellationToken)
    {
        try
        {
            var content = await Container.GetBlobClient(VersionPrefix(name, version) + RecordFile).DownloadContentAsync(cancellationToken);
            return (content.Value.Content.ToObjectFromJson<DatasetVersionRecord>(Json)!, content.Value.Details.ETag);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Saves only if nobody wrote the record since it was read: a heartbeat or the sweeper must never overwrite the
    /// worker's final state with the copy it read a moment earlier. Returns false when the record had changed.
    /// </summary>
    public async Task<bool> TrySaveIfUnchangedAsync(DatasetVersionRecord record, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await Container.GetBlobClient(VersionPrefix(record.Name, record.Version) + RecordFile).UploadAsync(
                BinaryData.FromObjectAsJson(record with { UpdatedAt = time.GetUtcNow() }, Json),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } }, cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status == 412)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<DatasetVersionRecord>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var records = new List<DatasetVersionRecord>();
        foreach (var version in await ListVersionNumbersAsync(name, cancellationToken))
        {
            if (await GetAsync(name, version, cancellationToken) is { } record)
            {
                records.Add(record);
            }
        }
        return records.OrderBy(record => record.Version).ToList();
    }

    public async Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken cancellationToken)
    {
        if (!(await Container.ExistsAsync(cancellationToken)).Value)
        {
            return [];
        }
        var names = new List<string>();
        await foreach (var item in Container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", null, cancellationToken))
        {
            if (item.IsPrefix)
            {
                names.Add(item.Prefix.TrimEnd('/'));
            }
        }
        return names.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every version record of every dataset (for the sweeper).</summary>
    public async Task<IReadOnlyList<DatasetVersionRecord>> ListAllVersionsAsync(CancellationToken cancellationToken)
    {
        var all = new List<DatasetVersionRecord>();
        foreach (var name in await ListNamesAsync(cancellationToken))
        {
            all.AddRange(await ListVersionsAsync(name, cancellationToken));
        }
        return all;
    }

    public Stream OpenShardForWrite(string name, int version, string shardName) =>
        Container.GetBlobClient(ShardBlobName(name, version, shardName)).OpenWrite(overwrite: true);

    public async Task WriteThumbnailAsync(string name, int version, string key, byte[] jpeg, CancellationToken cancellationToken) =>
        await Container.GetBlobClient(StorageLayout.DatasetThumbnail(name, version, key)).UploadAsync(new BinaryData(jpeg), overwrite: true, cancellationToken);

    /// <summary>A thumbnail's JPEG bytes, or null when the version has no thumbnail of that key.</summary>
    public async Task<byte[]?> GetThumbnailAsync(string name, int version, string key, CancellationToken cancellationToken)
    {
        try
        {
            var content = await Container.GetBlobClient(StorageLayout.DatasetThumbnail(name, version, key)).DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToArray();
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Writes the manifest, the last blob of a version: from this moment the version is complete and visible.</summary>
    public async Task<Uri> WriteManifestAsync(DatasetManifest manifest, string name, int version, CancellationToken cancellationToken)
    {
        var blob = Container.GetBlobClient(StorageLayout.DatasetManifest(name, version));
        await blob.UploadAsync(BinaryData.FromString(manifest.ToJson()), overwrite: true, cancellationToken);
        return blob.Uri;
    }

    public async Task<DatasetManifest?> GetManifestAsync(string name, int version, CancellationToken cancellationToken)
    {
        try
        {
            var content = await Container.GetBlobClient(StorageLayout.DatasetManifest(name, version)).DownloadContentAsync(cancellationToken);
            return DatasetManifest.FromJson(content.Value.Content.ToString());
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Removes everything of a version except its record, manifest first so it turns invisible before its shards go.</summary>
    public async Task DeleteContentAsync(string name, int version, CancellationToken cancellationToken)
    {
        var prefix = VersionPrefix(name, version);
        await Container.GetBlobClient(StorageLayout.DatasetManifest(name, version)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        await foreach (var blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
        {
            if (!blob.Name.EndsWith("/" + RecordFile, StringComparison.Ordinal))
            {
                await Container.GetBlobClient(blob.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            }
        }
    }

    public async Task DeleteVersionAsync(string name, int version, CancellationToken cancellationToken)
    {
        await DeleteContentAsync(name, version, cancellationToken);
        await Container.GetBlobClient(VersionPrefix(name, version) + RecordFile).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Records that a run trains on a version; the same run twice leaves one marker.</summary>
    public Task MarkUsedAsync(string name, int version, Guid runId, CancellationToken cancellationToken) =>
        Container.GetBlobClient($"{VersionPrefix(name, version)}usage/{runId:N}")
            .UploadAsync(BinaryData.FromString(time.GetUtcNow().ToString("O")), overwrite: true, cancellationToken);

    public async Task<IReadOnlyList<Guid>> RunsUsingAsync(string name, int version, CancellationToken cancellationToken)
    {
        var runs = new List<Guid>();
        await foreach (var blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"{VersionPrefix(name, version)}usage/", cancellationToken))
        {
            if (Guid.TryParseExact(blob.Name[(blob.Name.LastIndexOf('/') + 1)..], "N", out var runId))
            {
                runs.Add(runId);
            }
        }
        return runs;
    }

    private async Task<IReadOnlyList<int>> ListVersionNumbersAsync(string name, CancellationToken cancellationToken)
    {
        var versions = new List<int>();
        if (!(await Container.ExistsAsync(cancellationToken)).Value)
        {
            return versions;
        }
        await foreach (var item in Container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", name + "/", cancellationToken))
        {
            if (item.IsPrefix && item.Prefix.Length > name.Length + 3
                && item.Prefix[name.Length + 1] == 'v'
                && int.TryParse(item.Prefix.AsSpan(name.Length + 2, item.Prefix.Length - name.Length - 3), out var version))
            {
                versions.Add(version);
            }
        }
        return versions;
    }
}
