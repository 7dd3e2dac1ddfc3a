using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Contracts;

namespace Platform.ServiceDefaults.Diagnostics;

/// <summary>
/// Every service answers a wiring probe by reading the blob the requester wrote and checking its hash,
/// so one probe shows whether broker and blob storage work for each service of the suite.
/// </summary>
public sealed class WiringProbeConsumer(
    BlobServiceClient blobs,
    ServiceIdentity identity,
    TimeProvider time,
    ILogger<WiringProbeConsumer> logger) : IConsumer<WiringProbeRequested>
{
    public async Task Consume(ConsumeContext<WiringProbeRequested> context)
    {
        var probe = context.Message;
        var blob = blobs.GetBlobContainerClient(probe.BlobContainer).GetBlobClient(probe.BlobName);
        bool verified;
        string detail;
        try
        {
            var content = await blob.DownloadContentAsync(context.CancellationToken);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Value.Content.ToMemory().Span));
            verified = sha256 == probe.ContentSha256;
            detail = verified
                ? $"read {probe.BlobContainer}/{probe.BlobName} ({content.Value.Details.ContentLength} bytes), hash matches"
                : $"read {probe.BlobContainer}/{probe.BlobName} but its hash {sha256} differs from {probe.ContentSha256}";
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            verified = false;
            detail = $"blob {probe.BlobContainer}/{probe.BlobName} does not exist";
        }

        logger.LogInformation("Wiring probe {ProbeId} from {RequestedBy}: {Detail}", probe.ProbeId, probe.RequestedBy, detail);
        await context.Publish(new WiringProbeAnswered(probe.ProbeId, identity.Name, verified, detail, time.GetUtcNow()));
    }
}
