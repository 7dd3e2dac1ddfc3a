using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Platform.Contracts;

namespace Platform.Trainer.Jobs;

public sealed class JobLeases(BlobServiceClient blobs, IOptions<TrainerOptions> options, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>This process, as it appears in leases.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    private BlobContainerClient Container => blobs.GetBlobContainerClient(StorageLayout.RunsContainer);

    private BlobClient LeaseBlob(Guid runId) => Container.GetBlobClient($"{StorageLayout.RunPrefix(runId)}lease.json");

    private BlobClient CancelBlob(Guid runId) => Container.GetBlobClient($"{StorageLayout.RunPrefix(runId)}cancel-requested");

    public async Task<(JobLease Lease, ETag ETag)?> GetAsync(Guid runId, CancellationToken cancellationToken)
    {
        try
        {
            var content = await LeaseBlob(runId).DownloadContentAsync(cancellationToken);
            return (content.Value.Content.ToObjectFromJson<JobLease>(Json)!, content.Value.Details.ETag);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Takes the run if nobody holds it: no lease, an expired or interrupted one, or a failed/cancelled run that this
    /// later command resumes. Returns null if someone else holds it or the command has nothing left to do; else the lease and
    /// why this attempt starts (for the run's record of its attempts).
    /// </summary>
    public async Task<(JobLease Lease, ETag ETag, string Why)?> TryAcquireAsync(Guid runId, DateTimeOffset requestedAt, CancellationToken cancellationToken)
    {
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var current = await GetAsync(runId, cancellationToken);
        if (current is { Lease: var held } && (held.Settles(requestedAt) || (held.State == JobState.Running && held.ExpiresAt > clock.GetUtcNow())))
        {
            return null;
        }
        var lease = new JobLease(runId, Owner, JobState.Running, (current?.Lease.Attempt ?? 0) + 1, clock.GetUtcNow() + options.Value.LeaseDuration,
            requestedAt > (current?.Lease.RequestedAt ?? default) ? requestedAt : current!.Value.Lease.RequestedAt, null);
        var conditions = current is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = current.Value.ETag };
        return await TryWriteAsync(lease, conditions, cancellationToken) is { } etag ? (lease, etag, WhyTaken(current?.Lease)) : null;
    }

    private static string WhyTaken(JobLease? previous) => previous switch
    {
        null => "first attempt",
        { State: JobState.Running } => $"taken over: the trainer of attempt {previous.Attempt} stopped renewing its lease (killed or cut off)",
        { State: JobState.Interrupted } => $"retried: attempt {previous.Attempt} was interrupted ({previous.Outcome})",
        _ => $"resumed on request after attempt {previous.Attempt} ended {previous.State.ToString().ToLowerInvariant()}",
    };

    /// <summary>Extends the lease; throws <see cref="LeaseLostException"/> if another trainer took the run meanwhile.</summary>
    public async Task<ETag> RenewAsync(JobLease lease, ETag etag, CancellationToken cancellationToken) =>
        await TryWriteOwnAsync(lease with { ExpiresAt = clock.GetUtcNow() + options.Value.LeaseDuration }, etag, cancellationToken)
        ?? throw new LeaseLostException(lease.RunId);

    /// <summary>Records how the run ended (or that it was interrupted and may be taken over at once).</summary>
    public async Task FinishAsync(JobLease lease, ETag etag, JobState state, string outcome, CancellationToken cancellationToken)
    {
        if (await TryWriteOwnAsync(lease with { State = state, Outcome = outcome, ExpiresAt = clock.GetUtcNow() }, etag, cancellationToken) is null)
        {
            throw new LeaseLostException(lease.RunId);
        }
    }

    public async Task RequestCancelAsync(Guid runId, CancelRequest request, CancellationToken cancellationToken)
    {
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await CancelBlob(runId).UploadAsync(BinaryData.FromObjectAsJson(request, Json), overwrite: true, cancellationToken);
    }

    public async Task<CancelRequest?> CancelRequestAsync(Guid runId, CancellationToken cancellationToken)
    {
        try
        {
            return (await CancelBlob(runId).DownloadContentAsync(cancellationToken)).Value.Content.ToObjectFromJson<CancelRequest>(Json);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    /// <summary>A resume clears an earlier cancel request before the run is taken again.</summary>
    public Task ClearCancelRequestAsync(Guid runId, CancellationToken cancellationToken) =>
        CancelBlob(runId).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    /// <summary>
    /// A write of this attempt's lease, conditional on the ETag it last wrote. A failed condition can still find the
    /// attempt's own lease: a write whose answer was lost (the connection dropped mid-request, as in a storage outage)
    /// changed the ETag without telling this trainer. Only another attempt's lease means the run was taken over.
    /// </summary>
    private async Task<ETag?> TryWriteOwnAsync(JobLease lease, ETag etag, CancellationToken cancellationToken)
    {
        if (await TryWriteAsync(lease, new BlobRequestConditions { IfMatch = etag }, cancellationToken) is { } written)
        {
            return written;
        }
        return await GetAsync(lease.RunId, cancellationToken) is { Lease: var stored, ETag: var current }
               && stored.Owner == lease.Owner && stored.Attempt == lease.Attempt && (stored.State == JobState.Running || stored.State == lease.State)
            ? await TryWriteAsync(lease, new BlobRequestConditions { IfMatch = current }, cancellationToken)
            : null;
    }

    private async Task<ETag?> TryWriteAsync(JobLease lease, BlobRequestConditions conditions, CancellationToken cancellationToken)
    {
        try
        {
            var result = await LeaseBlob(lease.RunId).UploadAsync(BinaryData.FromObjectAsJson(lease, Json),
                new BlobUploadOptions { Conditions = conditions }, cancellationToken);
            return result.Value.ETag;
        }
        catch (RequestFailedException exception) when (exception.Status is 409 or 412)
        {
            return null;
        }
    }
}
