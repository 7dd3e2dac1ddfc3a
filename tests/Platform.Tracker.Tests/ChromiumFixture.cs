using Microsoft.Playwright;
using Platform.Testing;

namespace Platform.Tracker.Tests;

/// <summary>
/// One headless Chromium (Debian's package, which scripts/setup.sh installs; Playwright drives it, no browser download)
/// for all the UI tests of a class. Each test opens its own page, which records console errors and uncaught exceptions.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    /// <summary>Where the tests save screenshots when it is set (docs/images to refresh the docs' pictures).</summary>
    public static string? ScreenshotFolder { get; } = Environment.GetEnvironmentVariable("PLATFORM_UI_SCREENSHOTS");

    private IPlaywright playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        RepositoryPaths.RequireFile(Chromium, "run scripts/setup.sh to install Debian's chromium");
        RepositoryPaths.RequireFile(Path.Combine(RepositoryPaths.Root, "services/Tracker/node_modules/uplot/dist/uPlot.iife.min.js"),
            "run scripts/setup.sh to install the tracker UI's chart library (npm ci in services/Tracker)");
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>A new page at <paramref name="address"/>, recording console errors from its first script on.</summary>
    public async Task<TrackerPage> OpenAsync(Uri address)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var tracked = new TrackerPage(page);
        await page.GotoAsync(address.ToString());
        return tracked;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        playwright?.Dispose();
    }
}
