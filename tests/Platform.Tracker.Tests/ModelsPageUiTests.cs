using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Platform.Contracts;
using Platform.Contracts.Models;

namespace Platform.Tracker.Tests;

/// <summary>
/// The models page's serving state in a real headless Chromium: what inference's <c>/status</c> says (read through the tracker's
/// <c>GET /inference/status</c>) beside the registry. Inference here is an HTTP server on the address the tracker is given that answers
/// <c>/status</c> with the shared <see cref="InferenceStatus"/> record, as the service would for the route the test set; the service's
/// own figures are checked in Platform.Inference.Tests (ShadowTests).
/// </summary>
[Collection(TrackerCollection.Name)]
public sealed class ModelsPageUiTests(TrackerFixture fixture, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task The_models_page_shows_what_inference_serves_with_the_shadow_agreement_and_says_when_inference_is_down()
    {
        var model = $"ui-serving-{Guid.NewGuid():N}"[..22];
        var runs = new Guid[3];
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i] = Guid.NewGuid();
            await fixture.WritePackageAsync(model, runs[i]);
            await fixture.Bus.Publish(new ModelTrained(runs[i], model, $"http://blobs/models/{runs[i]}", "fashion-mnist", 1,
                new Dictionary<string, double> { ["test_accuracy"] = 0.9 }, DateTimeOffset.UtcNow));
            await fixture.Tracker.PollAsync($"/models/{model}", m => m.GetProperty("versions").GetArrayLength() == i + 1);
        }
        var (split, splitBody) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production",
            new { versions = new[] { new { version = 1, weight = 90 }, new { version = 2, weight = 10 } } });
        Assert.True(split == 200, splitBody.ToString());
        var (shadow, shadowBody) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production/shadow", new { version = 3 });
        Assert.True(shadow == 200, shadowBody.ToString());
        var (staging, stagingBody) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/staging", new { version = 2 });
        Assert.True(staging == 200, stagingBody.ToString());

        // Inference has applied production's route, and staging's promotion is still loading: it serves staging's old version.
        var labels = StoredModelPackages.Labels;
        ServedVersionStatus Loaded(int version, int queued, bool background = false) =>
            new(version, runs[version - 1], queued, labels, [1, 28, 28], 1, background ? 1 : 2, background);
        var status = new InferenceStatus("cpu", null, "1.31.0", 2, false, [$"{model}@staging → v2"], 300_000_000,
        [
            new ServedModelStatus(model, new Dictionary<string, int> { ["production"] = 1 }, new Dictionary<string, int>(),
                [Loaded(1, 3), Loaded(2, 0), Loaded(3, 0, background: true)],
                new Dictionary<string, AliasRoute> { ["production"] = new([new VersionWeight(1, 90), new VersionWeight(2, 10)], 3) },
                [new ShadowAgreement("production", 1, 3, 480, 20, 0.9375, 0.01234), new ShadowAgreement("production", 2, 3, 0, 2, 0, 0)]),
        ]);
        WebApplication? inference = await StartInferenceAsync(status);
        await using var page = await chromium.OpenAsync(new Uri(fixture.Tracker.Address, "/models.html"));
        try
        {
            var serving = page.Locator($".serving[data-serving='{model}']");
            await Assertions.Expect(page.Locator("#serving-state")).ToContainTextAsync("Inference: not ready, cpu provider, ONNX Runtime 1.31.0");
            var production = serving.Locator("tr[data-served-alias='production']");
            await Assertions.Expect(production.Locator(".served-route")).ToHaveTextAsync("v1 90%, v2 10% · shadow v3");
            await Assertions.Expect(production).ToContainTextAsync("as registered");
            await Assertions.Expect(serving.Locator(".pending")).ToHaveTextAsync($"Loading: {model}@staging → v2");
            await Assertions.Expect(serving.Locator("li[data-loaded-version='3']")).ToHaveTextAsync("v3 (shadow, in the background): 0 image(s) waiting");
            await Assertions.Expect(serving.Locator("li[data-loaded-version='1']")).ToHaveTextAsync("v1: 3 image(s) waiting");
            var pair = serving.Locator("tr[data-shadow-pair='production:1:3']");
            await Assertions.Expect(pair.Locator(".compared")).ToHaveTextAsync("480");
            await Assertions.Expect(pair.Locator(".top1")).ToHaveTextAsync("93.8 %");
            await Assertions.Expect(pair.Locator(".delta")).ToHaveTextAsync("0.0123");
            await Assertions.Expect(pair.Locator(".shed")).ToHaveTextAsync("20");
            await Assertions.Expect(serving.Locator("tr[data-shadow-pair='production:2:3'] .top1")).ToHaveTextAsync("–");
            await page.ScreenshotAsync("tracker-models-serving", $"section[data-model='{model}']");

            // The next refresh after inference goes away says so, naming no address; the registry stays usable.
            await inference.DisposeAsync();
            inference = null;
            await Assertions.Expect(page.Locator("#serving-state")).ToContainTextAsync("Serving state unavailable: ", new() { Timeout = 20_000 });
            Assert.DoesNotContain(fixture.InferencePort.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.Locator("#serving-state").TextContentAsync());
            await Assertions.Expect(serving).ToContainTextAsync("inference is unavailable");
            await Assertions.Expect(page.Locator($"section[data-model='{model}'] tr[data-alias='production'] .route")).ToHaveTextAsync("v1 90%, v2 10% · shadow v3");
            page.AssertNoConsoleErrors();
        }
        finally
        {
            if (inference is not null)
            {
                await inference.DisposeAsync();
            }
        }
    }

    /// <summary>An HTTP server on the inference address the tracker was given, answering <c>GET /status</c> with <paramref name="status"/>.</summary>
    private async Task<WebApplication> StartInferenceAsync(InferenceStatus status)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{fixture.InferencePort}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/status", () => Results.Json(status, ContractJson.Options));
        await app.StartAsync();
        return app;
    }
}
