namespace Platform.AppHost.Tests;

/// <summary>One running suite shared by the tests of a class: starting it costs half a minute.</summary>
public sealed class SuiteFixture : IAsyncLifetime
{
    public PlatformAppHost Suite { get; private set; } = null!;

    public async Task InitializeAsync() => Suite = await PlatformAppHost.StartInLocalProcessModeAsync();

    public async Task DisposeAsync() => await Suite.DisposeAsync();
}
