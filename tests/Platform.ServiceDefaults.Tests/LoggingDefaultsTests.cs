using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults.Tests;

public sealed class LoggingDefaultsTests
{
    [Theory]
    [InlineData("System.Net.Http.HttpClient.blobs.LogicalHandler")]
    [InlineData("System.Net.Http.HttpClient.Default.ClientHandler")]
    [InlineData("Polly")]
    [InlineData("Microsoft.Extensions.Http.Resilience")]
    [InlineData("Azure.Core")]
    [InlineData("Azure.Storage.Blobs")]
    public void Http_client_resilience_and_azure_sdk_categories_log_warnings_but_not_each_call(string category)
    {
        using var loggers = LoggerFactory(new Dictionary<string, string?>());

        var logger = loggers.CreateLogger(category);

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("Platform.Trainer.Jobs").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Configuration_turns_the_per_call_http_client_logs_back_on()
    {
        using var loggers = LoggerFactory(new Dictionary<string, string?> { ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Information" });

        Assert.True(loggers.CreateLogger("System.Net.Http.HttpClient.blobs.LogicalHandler").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("Polly").IsEnabled(LogLevel.Information));
    }

    /// <summary>The loggers of a service whose appsettings (or environment) hold <paramref name="settings"/>.</summary>
    private static ServiceProviderLoggers LoggerFactory(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        var app = builder.Build();
        return new ServiceProviderLoggers(app);
    }

    private sealed class ServiceProviderLoggers(WebApplication app) : IDisposable
    {
        public ILogger CreateLogger(string category) => app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

        public void Dispose() => ((IDisposable)app).Dispose();
    }
}
