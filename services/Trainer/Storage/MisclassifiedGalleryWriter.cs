using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Contracts.Predictions;
using Platform.Contracts.Runs;
using Platform.Imaging;
using Platform.Imaging.Formats;
using Platform.Imaging.Shards;
using Platform.Training.Engine;

namespace Platform.Trainer.Storage;

/// <summary>
/// Stores a completed run's misclassified gallery in its folder: a PNG thumbnail (at most <see cref="MisclassifiedGallery.MaxThumbnailSide"/>
/// px a side, lossless so a 28 px digit stays readable when the page scales it up) of each image the engine ranked, then the index naming
/// them, so an index in storage implies its thumbnails. The tracker's <c>GET /runs/{id}/misclassified</c> serves them.
/// </summary>
public static class MisclassifiedGalleryWriter
{
    /// <returns>How many examples the stored index holds (0 when the report ranked none: nothing is written).</returns>
    public static async Task<int> StoreAsync(BlobServiceClient blobs, Guid runId, FinalReport report, ShardDataset validation, string split,
        int limit, CancellationToken cancellationToken)
    {
        if (report.Misclassified.Count == 0)
        {
            return 0;
        }

        var container = blobs.GetBlobContainerClient(StorageLayout.RunsContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var examples = new List<MisclassifiedExample>(report.Misclassified.Count);
        foreach (var (prediction, rank) in report.Misclassified.Select((p, i) => (p, i + 1)))
        {
            var record = validation.ReadRecord(prediction.SampleIndex);
            var thumbnail = ImageResizer.FitWithin(validation.Load(prediction.SampleIndex), MisclassifiedGallery.MaxThumbnailSide);
            var name = MisclassifiedGallery.ThumbnailName(rank);
            await container.GetBlobClient(StorageLayout.RunMisclassifiedThumbnail(runId, name))
                .UploadAsync(BinaryData.FromBytes(ImageEncoder.Encode(thumbnail, ImageFormat.Png)), overwrite: true, cancellationToken);
            examples.Add(new MisclassifiedExample(rank, string.IsNullOrEmpty(record.Key) ? null : record.Key,
                report.Classes[prediction.TrueClass], report.Classes[prediction.PredictedClass], Math.Round(prediction.Confidence, 6),
                prediction.TopClasses.Select((c, i) => new LabelProbability(report.Classes[c], c, Math.Round(prediction.TopProbabilities[i], 6))).ToList(),
                name, thumbnail.Width, thumbnail.Height));
        }

        var index = new MisclassifiedGallery(runId, split, validation.Count, report.MisclassifiedTotal, limit, examples);
        await container.GetBlobClient(StorageLayout.RunMisclassifiedIndex(runId)).UploadAsync(BinaryData.FromString(index.ToJson()), overwrite: true, cancellationToken);
        return examples.Count;
    }
}
