using Microsoft.Playwright;

namespace Platform.Tracker.Tests;

/// <summary>A browser page of the tracker UI with what its console reported as errors (messages and uncaught exceptions).</summary>
public sealed class TrackerPage : IAsyncDisposable
{
    private readonly List<string> errors = [];

    public TrackerPage(IPage page)
    {
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
    }

    public IPage Page { get; }

    public ILocator Locator(string selector, PageLocatorOptions? options = null) => Page.Locator(selector, options);

    /// <param name="expected">Errors the test caused on purpose (Chromium logs every refused request, e.g. a 400 for a bad filter).</param>
    public void AssertNoConsoleErrors(params string[] expected)
    {
        lock (errors)
        {
            var unexpected = errors.Where(e => !expected.Any(e.Contains)).ToList();
            Assert.True(unexpected.Count == 0, "console errors: " + string.Join(" | ", unexpected));
        }
    }

    /// <summary>Saves a screenshot under <see cref="ChromiumFixture.ScreenshotFolder"/> when it is set.</summary>
    public async Task ScreenshotAsync(string name, string? selector = null)
    {
        if (ChromiumFixture.ScreenshotFolder is not { } folder)
        {
            return;
        }
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        if (selector is null)
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        }
        else
        {
            await Page.Locator(selector).ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
        }
    }

    public async ValueTask DisposeAsync() => await Page.CloseAsync();
}
