using Microsoft.Playwright;
using Platform.Contracts;
using Platform.Testing;

namespace Platform.Tracker.Tests;

/// <summary>The tracker's web UI in a real headless Chromium (Debian's package, which scripts/setup.sh installs).</summary>
[Collection(TrackerCollection.Name)]
public sealed class UiTests(TrackerFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";

    private static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        RepositoryPaths.RequireFile(Chromium, "run scripts/setup.sh to install Debian's chromium");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox"],
        });
        return (playwright, browser);
    }

    [Fact]
    public async Task A_run_page_draws_its_curves_and_two_selected_runs_can_be_compared()
    {
        var experiment = $"ui-{Guid.NewGuid():N}"[..12];
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        await OtelClient.RunToCompletionAsync(fixture.Tracker.Address, ["--run-id", first.ToString(), "--experiment", experiment, "--epochs", "6"]);
        await OtelClient.RunToCompletionAsync(fixture.Tracker.Address, ["--run-id", second.ToString(), "--experiment", experiment, "--epochs", "4", "--lr", "0.01"]);
        await fixture.Tracker.PollAsync($"/runs/{second}", r => r.GetProperty("state").GetString() == "completed");
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(fixture.Tracker.Address, $"/run.html?id={first}").ToString());
        var loss = page.Locator(".chart[data-metric='loss'] polyline.curve");
        await Assertions.Expect(loss).ToHaveAttributeAsync("data-points", "6");
        Assert.Equal(6, (await loss.GetAttributeAsync("points"))!.Split(' ').Length);
        await Assertions.Expect(page.Locator(".chart[data-metric='accuracy'] polyline.curve")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#params")).ToContainTextAsync("adamw");
        await Assertions.Expect(page.Locator("svg.confusion rect.cell")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("#title .state")).ToHaveTextAsync("completed");

        await page.GotoAsync(new Uri(fixture.Tracker.Address, $"/index.html?experiment={experiment}").ToString());
        await page.Locator($"tr[data-run='{first}'] input.pick").CheckAsync();
        await page.Locator($"tr[data-run='{second}'] input.pick").CheckAsync();
        await page.Locator("#compare").ClickAsync();

        await page.WaitForURLAsync("**/compare.html?ids=*");
        var overlay = page.Locator(".chart[data-metric='train_loss'] polyline.curve");
        await Assertions.Expect(overlay).ToHaveCountAsync(2);
        Assert.Equal(["4", "6"], (await Task.WhenAll(Enumerable.Range(0, 2).Select(i => overlay.Nth(i).GetAttributeAsync("data-points")))).Select(p => p ?? "").Order());
        var lrRow = page.Locator("#params tr", new PageLocatorOptions { HasText = "lr" }).First;
        await Assertions.Expect(lrRow).ToHaveClassAsync("differs");
    }

    [Fact]
    public async Task Promoting_a_version_on_the_models_page_sets_the_alias_and_publishes_ModelPromoted()
    {
        var model = $"ui-model-{Guid.NewGuid():N}"[..20];
        var run = Guid.NewGuid();
        await fixture.Bus.Publish(new ModelTrained(run, model, "http://blobs/models/ui.zip", "fashion-mnist", 1,
            new Dictionary<string, double> { ["test_accuracy"] = 0.9 }, DateTimeOffset.UtcNow));
        await fixture.Tracker.PollAsync($"/models/{model}", m => m.GetProperty("versions").GetArrayLength() == 1);
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(fixture.Tracker.Address, "/models.html").ToString());
        var version = page.Locator($"section[data-model='{model}'] tr[data-version='1']");
        await version.Locator("input.alias").FillAsync("staging");
        await version.Locator("button.promote").ClickAsync();

        await Assertions.Expect(page.Locator($"section[data-model='{model}'] tr[data-version='1'] .aliases")).ToHaveTextAsync("staging");
        var promoted = await fixture.WaitForPublishedAsync<ModelPromoted>(m => m.ModelName == model);
        Assert.Equal(("staging", 1, run), (promoted.Alias, promoted.Version, promoted.RunId));
    }
}
