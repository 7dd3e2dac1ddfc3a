using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Platform.Contracts;

namespace Platform.ServiceDefaults.Diagnostics;

/// <summary>Writes a probe blob with fresh content and broadcasts a <see cref="WiringProbeRequested"/>.</summary>
public sealed class WiringProbeRequester(BlobServiceClient blobs, IPublishEndpoint publisher, ServiceIdentity identity, TimeProvider time)
{
    public const string Container = "diagnostics";

    public async Task<WiringProbeRequested> RequestAsync(CancellationToken cancellationToken)
    {
        var probeId = Guid.NewGuid();
        var content = Encoding.UTF8.GetBytes($"wiring probe {probeId} from {identity.Name} at {time.GetUtcNow():O}");
        var container = blobs.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var blobName = $"wiring-probes/{probeId}.txt";
        await container.GetBlobClient(blobName).UploadAsync(new BinaryData(content), overwrite: true, cancellationToken);

        var request = new WiringProbeRequested(
            probeId,
            identity.Name,
            Container,
            blobName,
            Convert.ToHexStringLower(SHA256.HashData(content)),
            time.GetUtcNow());
        await publisher.Publish(request, cancellationToken);
        return request;
    }
}
