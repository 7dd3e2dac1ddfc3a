using Platform.AppHost.BackingServices;

namespace Platform.AppHost.Tests;

public sealed class BackingServicesModeSelectorTests
{
    [Theory]
    [InlineData(true, BackingServicesMode.Containers)]
    [InlineData(false, BackingServicesMode.Processes)]
    public void Auto_chooses_containers_only_when_the_runtime_is_healthy(bool runtimeHealthy, BackingServicesMode expected)
    {
        var mode = BackingServicesModeSelector.Resolve(BackingServicesMode.Auto, isPublishMode: false, () => runtimeHealthy);

        Assert.Equal(expected, mode);
    }

    [Theory]
    [InlineData(BackingServicesMode.Containers)]
    [InlineData(BackingServicesMode.Processes)]
    [InlineData(BackingServicesMode.External)]
    public void An_explicit_mode_is_kept_without_asking_the_container_runtime(BackingServicesMode configured)
    {
        var mode = BackingServicesModeSelector.Resolve(configured, isPublishMode: false,
            () => throw new InvalidOperationException("the runtime must not be asked"));

        Assert.Equal(configured, mode);
    }

    [Fact]
    public void Publishing_uses_external_services_whatever_is_configured()
    {
        var mode = BackingServicesModeSelector.Resolve(BackingServicesMode.Processes, isPublishMode: true, () => true);

        Assert.Equal(BackingServicesMode.External, mode);
    }

    [Theory]
    [InlineData(null, BackingServicesMode.Auto)]
    [InlineData("", BackingServicesMode.Auto)]
    [InlineData("processes", BackingServicesMode.Processes)]
    [InlineData("Containers", BackingServicesMode.Containers)]
    [InlineData("EXTERNAL", BackingServicesMode.External)]
    public void Parse_accepts_mode_names_in_any_case(string? text, BackingServicesMode expected)
    {
        Assert.Equal(expected, BackingServicesModeSelector.Parse(text));
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("2")]
    [InlineData("local")]
    public void Parse_rejects_an_unknown_mode_and_lists_the_valid_ones(string text)
    {
        var error = Assert.Throws<BackingServicesException>(() => BackingServicesModeSelector.Parse(text));

        Assert.Contains($"'{text}'", error.Message);
        Assert.Contains("auto, containers, processes, external", error.Message);
    }
}
