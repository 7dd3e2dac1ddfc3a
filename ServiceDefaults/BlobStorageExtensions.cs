using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers a <see cref="BlobServiceClient"/> from <c>ConnectionStrings:blobs</c>: either a storage
/// connection string (Azurite, account keys) or a bare service URI, which authenticates with the
/// workload's managed identity in Azure.
/// </summary>
public static class BlobStorageExtensions
{
    public const string ConnectionName = "blobs";

    public static TBuilder AddPlatformBlobStorage<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"No blob storage connection string: set ConnectionStrings:{ConnectionName} to a storage connection "
                + "string (Azurite locally) or to the account's blob endpoint URI (managed identity in Azure).");
        }

        builder.Services.AddValidatedOptions<BlobStorageRetryOptions>(BlobStorageRetryOptions.Section);
        builder.Services.AddSingleton(services => CreateClient(connectionString, services.GetRequiredService<IOptions<BlobStorageRetryOptions>>().Value));
        // The probe gets its own client without retries: a readiness answer must come within the check's
        // timeout and name the real cause, not "a timeout occurred" after the SDK's backoff.
        var probeClient = new Lazy<BlobServiceClient>(() => CreateClient(connectionString, new BlobStorageRetryOptions { MaxRetries = 0 }, forHealthCheck: true));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "blobs",
            _ => new BlobStorageHealthCheck(probeClient.Value),
            HealthStatus.Unhealthy,
            [Extensions.ReadinessTag],
            timeout: TimeSpan.FromSeconds(5)));
        return builder;
    }

    internal static BlobServiceClient CreateClient(string connectionString, BlobStorageRetryOptions retry, bool forHealthCheck = false)
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = retry.MaxRetries;
        options.Retry.Delay = retry.Delay;
        options.Retry.NetworkTimeout = forHealthCheck ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(100);

        return Uri.TryCreate(connectionString, UriKind.Absolute, out var serviceUri) && serviceUri.Scheme is "https" or "http"
            ? new BlobServiceClient(serviceUri, new DefaultAzureCredential(), options)
            : new BlobServiceClient(connectionString, options);
    }

    private sealed class BlobStorageHealthCheck(BlobServiceClient client) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var pages = client.GetBlobContainersAsync(cancellationToken: cancellationToken)
                    .AsPages(pageSizeHint: 1).GetAsyncEnumerator(cancellationToken);
                await pages.MoveNextAsync();
                return HealthCheckResult.Healthy($"Blob storage reachable at {client.Uri}.");
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"Blob storage unreachable at {client.Uri}: {exception.Message}", exception);
            }
        }
    }
}
