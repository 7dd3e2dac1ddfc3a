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

        var client = BlobStorageExtensions.CreateClient(azurite);

        Assert.Equal("devstoreaccount1", client.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10123/devstoreaccount1"), client.Uri);
        Assert.True(client.CanGenerateAccountSasUri);
    }

    [Fact]
    public void A_bare_endpoint_uri_gives_a_client_that_authenticates_with_a_token_not_a_key()
    {
        var client = BlobStorageExtensions.CreateClient("https://platformstore.blob.core.windows.net");

        Assert.Equal("platformstore", client.AccountName);
        Assert.False(client.CanGenerateAccountSasUri);
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
