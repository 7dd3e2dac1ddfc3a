using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Imaging.Shards;
using Platform.Imaging.Formats.Data;
using Platform.Imaging.Formats.Shards;

namespace Platform.Testing;

/// <summary>Publishes real images as a dataset version in the ingest layout (shards, then the manifest), without the ingest service.</summary>
public static class DatasetSeeder
{
    /// <summary>Fashion-MNIST test-set images [0, train) as train and [train, train + validation) as val.</summary>
    public static async Task PublishFashionMnistAsync(BlobServiceClient blobs, string name, int version, int train, int validation)
    {
        var folder = RepositoryPaths.FashionMnistFolder;
        var source = IdxDataset.Open(
            RepositoryPaths.RequireFile(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), "run scripts/setup.sh"),
            RepositoryPaths.RequireFile(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), "run scripts/setup.sh"),
            IdxDataset.FashionMnistClasses);
        var container = blobs.GetBlobContainerClient(StorageLayout.DatasetsContainer);
        await container.CreateIfNotExistsAsync();
        var shards = new List<ManifestShard>();
        var splits = new List<SplitSummary>();
        foreach (var (split, from, count) in new[] { ("train", 0, train), ("val", train, validation) })
        {
            var perClass = new int[source.Classes.Count];
            var buffers = new Dictionary<string, MemoryStream>();
            using (var writer = new ShardWriter(shard => buffers[shard] = new MemoryStream(), split))
            {
                for (var i = from; i < from + count; i++)
                {
                    var label = source.GetLabel(i);
                    writer.Append(source.Load(i), label, ShardImageEncoding.RawPixels, $"images[{i}]");
                    perClass[label]++;
                }
                foreach (var shard in writer.Complete())
                {
                    await container.GetBlobClient(StorageLayout.DatasetShard(name, version, shard.Name)).UploadAsync(new BinaryData(buffers[shard.Name].ToArray()), overwrite: true);
                    shards.Add(new ManifestShard(split, shard.Name, shard.Samples, shard.Bytes, shard.Sha256));
                }
            }
            splits.Add(new SplitSummary(split, count, perClass));
        }
        var manifest = new DatasetManifest(name, $"v{version}", source.Classes, 1, new ImageSize(28, 28), [0.286f], [0.353f],
            splits, shards, [], DateTimeOffset.UtcNow);
        await container.GetBlobClient(StorageLayout.DatasetManifest(name, version)).UploadAsync(BinaryData.FromString(manifest.ToJson()), overwrite: true);
    }
}
