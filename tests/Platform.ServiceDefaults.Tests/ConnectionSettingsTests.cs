using System.Diagnostics;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Tests;

public sealed class ConnectionSettingsTests
{
    [Theory]
    [InlineData("amqp://guest:guest@127.0.0.1:5672/")]
    [InlineData("amqps://user:p%40ss@broker.example:5671/vhost")]
    public void Amqp_uris_are_accepted_as_broker_addresses(string connectionString)
    {
        var uri = MessagingExtensions.ParseBrokerUri(connectionString);

        Assert.Equal(connectionString, uri.OriginalString);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5672/")]
    [InlineData("127.0.0.1:5672")]
    [InlineData("host=localhost;port=5672")]
    public void Anything_but_an_amqp_uri_is_rejected_with_an_example(string connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => MessagingExtensions.ParseBrokerUri(connectionString));

        Assert.Contains("amqp://", error.Message);
    }

    [Fact]
    public void A_storage_connection_string_gives_a_key_authenticated_client_for_its_endpoint()
    {
        const string azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + "BlobEndpoint=http://127.0.0.1:10123/devstoreaccount1;";

        var client = BlobStorageExtensions.CreateClient(azurite, new BlobStorageRetryOptions());

        Assert.Equal("devstoreaccount1", client.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10123/devstoreaccount1"), client.Uri);
        Assert.True(client.CanGenerateAccountSasUri);
    }

    [Fact]
    public void A_bare_endpoint_uri_gives_a_client_that_authenticates_with_a_token_not_a_key()
    {
        var client = BlobStorageExtensions.CreateClient("https://platformstore.blob.core.windows.net", new BlobStorageRetryOptions());

        Assert.Equal("platformstore", client.AccountName);
        Assert.False(client.CanGenerateAccountSasUri);
    }

    [Fact]
    public async Task Blob_retry_settings_reach_the_client_and_broken_ones_stop_the_host_naming_each()
    {
        static IHost Build(Dictionary<string, string?> settings)
        {
            var builder = Host.CreateApplicationBuilder();
            // Nothing listens on port 1: every try is refused at once, so the time taken is the retries' backoff.
            settings["ConnectionStrings:blobs"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                + "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";
            builder.Configuration.AddInMemoryCollection(settings);
            builder.AddPlatformBlobStorage();
            return builder.Build();
        }
        static async Task<TimeSpan> FailedCallAsync(IHost host)
        {
            var started = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<Exception>(() => host.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient("c").ExistsAsync());
            return started.Elapsed;
        }

        using var noRetry = Build(new() { ["BlobStorage:Retry:MaxRetries"] = "0" });
        using var twoRetries = Build(new() { ["BlobStorage:Retry:MaxRetries"] = "2", ["BlobStorage:Retry:Delay"] = "00:00:00.4" });
        using var broken = Build(new() { ["BlobStorage:Retry:MaxRetries"] = "-1", ["BlobStorage:Retry:Delay"] = "00:00:00" });

        Assert.True(await FailedCallAsync(noRetry) < TimeSpan.FromSeconds(0.4));
        // Exponential backoff from 0.4 s with the SDK's ±20 % jitter: at least 0.32 + 0.64 s.
        Assert.True(await FailedCallAsync(twoRetries) >= TimeSpan.FromSeconds(0.9));
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => broken.StartAsync());
        Assert.Equal(2, failure.Failures.Count());
        Assert.Contains(failure.Failures, f => f.Contains("BlobStorage:Retry:MaxRetries"));
        Assert.Contains(failure.Failures, f => f.Contains("BlobStorage:Retry:Delay"));
    }

    [Fact]
    public void Missing_connection_strings_fail_at_start_naming_the_setting()
    {
        var builder = Host.CreateApplicationBuilder();

        var blobs = Assert.Throws<InvalidOperationException>(() => builder.AddPlatformBlobStorage());
        var messaging = Assert.Throws<InvalidOperationException>(() => builder.AddPlatformMessaging("test"));

        Assert.Contains("ConnectionStrings:blobs", blobs.Message);
        Assert.Contains("ConnectionStrings:messaging", messaging.Message);
    }
}
