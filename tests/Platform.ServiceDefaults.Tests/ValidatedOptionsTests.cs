using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Tests;

public sealed class ValidatedOptionsTests
{
    public sealed class SampleOptions : ISelfValidatingOptions
    {
        public int Capacity { get; set; } = 4;

        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

        public IEnumerable<string> Violations()
        {
            if (Capacity < 1) yield return "Sample:Capacity must be positive.";
            if (Timeout <= TimeSpan.Zero) yield return "Sample:Timeout must be positive.";
        }
    }

    [Fact]
    public async Task A_host_with_broken_settings_does_not_start_and_names_every_broken_rule()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Sample:Capacity"] = "0", ["Sample:Timeout"] = "-00:00:01" });
        builder.Services.AddValidatedOptions<SampleOptions>("Sample");
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(["Sample:Capacity must be positive.", "Sample:Timeout must be positive."], failure.Failures);
    }

    [Fact]
    public async Task A_host_with_valid_settings_starts_with_them_bound()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Sample:Capacity"] = "9" });
        builder.Services.AddValidatedOptions<SampleOptions>("Sample");
        using var host = builder.Build();

        await host.StartAsync();

        Assert.Equal(9, host.Services.GetRequiredService<IOptions<SampleOptions>>().Value.Capacity);
        await host.StopAsync();
    }
}
