using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Contracts.Predictions;
using Platform.Contracts.Runs;
using Platform.Imaging.Formats;

namespace Platform.Tracker.Tests;

/// <summary>
/// Misclassified galleries in the fixture's blob storage, laid out as the trainer's writer lays them out (the thumbnails, then the index
/// naming them). Each thumbnail is a flat grey of its own level, so a test can tell which stored image a page shows.
/// </summary>
public static class StoredGalleries
{
    /// <summary>The examples written by <see cref="WriteAsync"/>: true label, predicted label, confidence, most confident first.</summary>
    public static readonly (string True, string Predicted, double Confidence)[] Examples =
        [("Shirt", "T-shirt/top", 0.973), ("Pullover", "Coat", 0.861), ("Shirt", "T-shirt/top", 0.612)];

    /// <summary>The grey level of the thumbnail ranked <paramref name="rank"/>.</summary>
    public static byte Grey(int rank) => (byte)(40 * rank);

    public static BlobContainerClient Runs(string blobConnectionString) =>
        new BlobServiceClient(blobConnectionString).GetBlobContainerClient(StorageLayout.RunsContainer);

    public static async Task<MisclassifiedGallery> WriteAsync(string blobConnectionString, Guid run)
    {
        var container = Runs(blobConnectionString);
        await container.CreateIfNotExistsAsync();
        var examples = new List<MisclassifiedExample>();
        foreach (var ((truth, predicted, confidence), i) in Examples.Select((e, i) => (e, i)))
        {
            var rank = i + 1;
            var name = MisclassifiedGallery.ThumbnailName(rank);
            var image = new ImageBuffer(28, 28, 1, Enumerable.Repeat(Grey(rank), 28 * 28).ToArray());
            await container.GetBlobClient(StorageLayout.RunMisclassifiedThumbnail(run, name)).UploadAsync(BinaryData.FromBytes(PngWriter.Encode(image)), overwrite: true);
            examples.Add(new MisclassifiedExample(rank, $"train-images-idx3-ubyte#{1000 + rank}", truth, predicted, confidence,
                [new LabelProbability(predicted, 0, confidence), new LabelProbability(truth, 6, Math.Round((1 - confidence) * 0.8, 4))], name, 28, 28));
        }
        var index = new MisclassifiedGallery(run, "val", 600, 41, 24, examples);
        await container.GetBlobClient(StorageLayout.RunMisclassifiedIndex(run)).UploadAsync(BinaryData.FromString(index.ToJson()), overwrite: true);
        return index;
    }
}
