using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Platform.Contracts;

namespace Platform.Inference.Serving;

/// <summary>
/// This service's durable record of the promotions it consumed, one blob per alias at <c>models/{name}/aliases/{alias}.json</c>, so a
/// restarted or new instance serves what was promoted before it started. An older promotion never overwrites a newer one.
/// </summary>
public sealed class PromotionStore(BlobServiceClient blobs)
{
    private const string AliasesFolder = "/aliases/";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string AliasBlob(string modelName, string alias) => $"{modelName}{AliasesFolder}{alias}.json";

    /// <summary>Stores the promotion unless the stored one for the alias is newer; returns false when it was older.</summary>
    public async Task<bool> RecordAsync(ModelPromoted promotion, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var blob = container.GetBlobClient(AliasBlob(promotion.ModelName, promotion.Alias));
        try
        {
            var stored = await blob.DownloadContentAsync(cancellationToken);
            var current = stored.Value.Content.ToObjectFromJson<ModelPromoted>(Json);
            if (current is not null && current.PromotedAt > promotion.PromotedAt)
            {
                return false;
            }
            // Conditional on the version read, so two instances consuming different promotions cannot interleave read and write.
            await blob.UploadAsync(BinaryData.FromObjectAsJson(promotion, Json),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = stored.Value.Details.ETag } }, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            await blob.UploadAsync(BinaryData.FromObjectAsJson(promotion, Json), overwrite: true, cancellationToken);
        }
        return true;
    }

    public async Task<IReadOnlyList<ModelPromoted>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
        var promotions = new List<ModelPromoted>();
        if (!(await container.ExistsAsync(cancellationToken)).Value)
        {
            return promotions;
        }
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken))
        {
            if (item.Name.Contains(AliasesFolder, StringComparison.Ordinal) && item.Name.EndsWith(".json", StringComparison.Ordinal))
            {
                var content = await container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken);
                if (content.Value.Content.ToObjectFromJson<ModelPromoted>(Json) is { } promotion)
                {
                    promotions.Add(promotion);
                }
            }
        }
        return promotions;
    }
}
