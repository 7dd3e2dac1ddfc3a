using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.Contracts;

namespace Platform.Tracker.Tests;

/// <summary>The tracker's web UI in a real headless Chromium against the real tracker and Redis; runs are logged through OTLP.</summary>
[Collection(TrackerCollection.Name)]
public sealed class UiTests(TrackerFixture fixture, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static string NewExperiment() => $"ui-{Guid.NewGuid():N}"[..12];

    private Task<TrackerPage> OpenAsync(string path) => chromium.OpenAsync(new Uri(fixture.Tracker.Address, path));

    /// <summary>Where a step's point of a chart's first curve is on the screen (page coordinates).</summary>
    private static async Task<(float X, float Y)> PointOnScreenAsync(TrackerPage page, string metric, long step) =>
        await page.Page.EvaluateAsync<float[]>("""
            ([metric, step]) => {
              const u = document.querySelector(`.chart[data-metric='${metric}']`).chart.uplot;
              const box = u.over.getBoundingClientRect();
              const i = u.data[0].indexOf(step);
              return [box.left + u.valToPos(step, "x"), box.top + u.valToPos(u.data[1][i], "y")];
            }
            """, new object[] { metric, step }) is [var x, var y] ? (x, y) : throw new InvalidOperationException("no point");

    private static async Task<double[]> SeriesAsync(TrackerPage page, string metric, int series) =>
        await page.Page.EvaluateAsync<double[]>("([metric, series]) => document.querySelector(`.chart[data-metric='${metric}']`).chart.uplot.data[series]",
            new object[] { metric, series });

    [Fact]
    public async Task Hovering_a_curve_shows_the_value_stored_for_that_step()
    {
        var run = await UiRuns.LogAsync(fixture.Tracker, NewExperiment(), epochs: 8);
        var stored = await fixture.GetJsonAsync($"/runs/{run}/metrics/train_loss?full=true");
        await using var page = await OpenAsync($"/run.html?id={run}");
        await Assertions.Expect(page.Locator(".chart[data-metric='loss'] canvas")).ToBeVisibleAsync();

        var (x, y) = await PointOnScreenAsync(page, "loss", 5);
        await page.Page.Mouse.MoveAsync(x, y);

        var hovered = page.Locator(".chart[data-metric='loss'] .readout .value[data-series='train_loss']");
        await Assertions.Expect(hovered).ToBeVisibleAsync();
        Assert.Equal(stored.GetProperty("values")[5].GetDouble(), double.Parse((await hovered.GetAttributeAsync("data-value"))!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("5", await page.Locator(".chart[data-metric='loss'] .readout").GetAttributeAsync("data-x"));
        await page.ScreenshotAsync("tracker-run");
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_completed_runs_page_links_the_model_version_it_registered()
    {
        var run = await UiRuns.LogAsync(fixture.Tracker, NewExperiment(), epochs: 2);
        var model = $"ui-model-{Guid.NewGuid():N}"[..20];
        await fixture.Bus.Publish(new ModelTrained(run, model, "http://blobs/models/ui.zip", "fashion-mnist", 3,
            new Dictionary<string, double> { ["test_accuracy"] = 0.95 }, DateTimeOffset.UtcNow,
            new Platform.Contracts.ModelPackages.ModelPackageParity(2.5e-5, 1, 64, "Cpu")));
        await fixture.Tracker.PollAsync($"/models/{model}", m => m.GetProperty("versions").GetArrayLength() == 1);
        await using var page = await OpenAsync($"/run.html?id={run}");

        await Assertions.Expect(page.Locator("#registered")).ToContainTextAsync($"Registered as {model} v1 from dataset fashion-mnist v3");
        await Assertions.Expect(page.Locator("#registered .parity")).ToContainTextAsync("max |Δlogit| 2.500e-5, top-1 agreement 1 on 64 validation images (Cpu)");
        await Assertions.Expect(page.Locator("#trace")).ToHaveAttributeAsync("href", $"{TrackerFixture.DashboardUrl}/traces/detail/{run:N}");
        await page.Locator("#registered a").ClickAsync();
        await Assertions.Expect(page.Locator($"section[data-model='{model}'] tr[data-version='1']")).ToBeVisibleAsync();
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_misclassified_gallery_shows_the_stored_images_with_their_true_and_predicted_labels_most_confident_first()
    {
        // The test plays the trainer: the gallery in the run's folder, then ModelTrained saying how many examples it holds.
        var run = await UiRuns.LogAsync(fixture.Tracker, NewExperiment(), epochs: 2);
        await StoredGalleries.WriteAsync(fixture.Servers.BlobConnectionString!, run);
        await fixture.Bus.Publish(new ModelTrained(run, $"ui-gallery-{Guid.NewGuid():N}"[..20], "http://blobs/models/ui.zip", "fashion-mnist", 1,
            new Dictionary<string, double> { ["accuracy"] = 0.93 }, DateTimeOffset.UtcNow, MisclassifiedExamples: StoredGalleries.Examples.Length));
        await fixture.Tracker.PollAsync($"/runs/{run}", r => r.TryGetProperty("misclassifiedExamples", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.Number);
        await using var page = await OpenAsync($"/run.html?id={run}");

        var items = page.Locator("#misclassified > li");
        await Assertions.Expect(items).ToHaveCountAsync(StoredGalleries.Examples.Length);
        await Assertions.Expect(page.Locator("#misclassified-summary")).ToContainTextAsync("The 3 most confident of the 41 val images (of 600)");
        for (var i = 0; i < StoredGalleries.Examples.Length; i++)
        {
            var (truth, predicted, confidence) = StoredGalleries.Examples[i];
            var item = items.Nth(i);
            var percent = $"{100 * confidence:0.0}%";
            await Assertions.Expect(item).ToHaveAttributeAsync("data-rank", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(item.Locator(".true-label")).ToHaveTextAsync(truth);
            await Assertions.Expect(item.Locator(".predicted-label")).ToHaveTextAsync(predicted);
            await Assertions.Expect(item.Locator(".confidence")).ToHaveTextAsync(percent);
            await Assertions.Expect(item.Locator("img")).ToHaveAttributeAsync("alt", $"train-images-idx3-ubyte#{1001 + i}: labelled {truth}, predicted {predicted} with {percent} confidence");
            // The image shown is the stored thumbnail: its size, and its own grey level read back from the decoded pixels.
            var pixel = await item.Locator("img").EvaluateAsync<int[]>("""
                async img => {
                  await img.decode();
                  const canvas = document.createElement("canvas");
                  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
                  const context = canvas.getContext("2d");
                  context.drawImage(img, 0, 0);
                  return [img.naturalWidth, img.naturalHeight, ...context.getImageData(14, 14, 1, 1).data.slice(0, 3)];
                }
                """);
            Assert.Equal([28, 28, StoredGalleries.Grey(i + 1), StoredGalleries.Grey(i + 1), StoredGalleries.Grey(i + 1)], pixel);
        }

        // Keyboard: each example is a stop in rank order; the labelled filter keeps one true → predicted pair.
        await items.Nth(0).FocusAsync();
        await page.Page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(items.Nth(1)).ToBeFocusedAsync();
        await page.Page.GetByLabel("show", new() { Exact = true }).SelectOptionAsync("Shirt → T-shirt/top");
        await Assertions.Expect(page.Locator("#misclassified > li:visible")).ToHaveCountAsync(2);
        Assert.Equal(["1", "3"], await page.Locator("#misclassified > li:visible").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.rank)"));
        await page.ScreenshotAsync("tracker-misclassified", "#misclassified-section");
        page.AssertNoConsoleErrors();
    }

    private static async Task<double[]> StoredAsync(TrackerFixture fixture, Guid run, string metric, string property, string query = "")
    {
        var curve = await fixture.GetJsonAsync($"/runs/{run}/metrics/{metric}?full=true{query}");
        return [.. curve.GetProperty(property).EnumerateArray().Select(v => v.GetDouble())];
    }

    [Fact]
    public async Task The_x_axis_switches_between_step_epoch_and_wall_time_and_the_choice_survives_a_reload()
    {
        // 41 steps, ten to an epoch: the run logs its epoch as a curve, so the epoch axis maps each step to its fractional epoch.
        var run = Guid.NewGuid();
        await UiRuns.PostAsync(fixture.Tracker, [.. Enumerable.Range(0, 41).Select(step =>
            OtlpRequests.Epoch(run, step, [("train_loss", 1.0 / (step + 1)), ("epoch", step / 10.0)]))]);
        var steps = await StoredAsync(fixture, run, "train_loss", "steps");
        var wallTimes = await StoredAsync(fixture, run, "train_loss", "wallTimes");
        var epochs = await StoredAsync(fixture, run, "epoch", "values");
        await using var page = await OpenAsync($"/run.html?id={run}");
        var chart = page.Locator(".chart[data-metric='loss']");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-x-max", "40");
        Assert.Equal(steps, await SeriesAsync(page, "loss", 0));
        var axis = page.Page.GetByLabel("x axis");

        await axis.SelectOptionAsync("epoch");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-x-max", "4");
        Assert.Equal(epochs, await SeriesAsync(page, "loss", 0), new ToleranceComparer(1e-9));
        var (x, y) = await PointOnScreenAsync(page, "loss", 2); // the x value 2: epoch 2, stored at step 20
        await page.Page.Mouse.MoveAsync(x, y);
        await Assertions.Expect(chart.Locator(".readout")).ToHaveAttributeAsync("data-x", "2");
        await Assertions.Expect(chart.Locator(".readout .value[data-series='train_loss']")).ToHaveAttributeAsync("data-value", (1.0 / 21).ToString("R", System.Globalization.CultureInfo.InvariantCulture));

        await axis.SelectOptionAsync("wall");
        Assert.Equal(wallTimes, await SeriesAsync(page, "loss", 0));
        Assert.True(await chart.EvaluateAsync<bool>("c => c.chart.uplot.scales.x.time"), "a wall-time axis is a time scale");
        Assert.Contains("x=wall", page.Page.Url);

        await page.Page.ReloadAsync();
        await Assertions.Expect(page.Page.GetByLabel("x axis")).ToHaveValueAsync("wall");
        await Assertions.Expect(chart.Locator("canvas")).ToBeVisibleAsync();
        Assert.Equal(wallTimes, await SeriesAsync(page, "loss", 0));
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Log_scale_spaces_decades_evenly_leaves_out_values_that_are_not_positive_and_survives_a_reload()
    {
        // 0 has no logarithm.
        double[] Logged = [1, 0.1, 0.01, 0, 1e-4, 1e-5];
        var run = Guid.NewGuid();
        await UiRuns.PostAsync(fixture.Tracker, [.. Enumerable.Range(0, 6).Select(step =>
            OtlpRequests.Epoch(run, step, [("val_loss", Logged[step])]))]);
        await using var page = await OpenAsync($"/run.html?id={run}&smoothing=0");
        var chart = page.Locator(".chart[data-metric='loss']");
        await Assertions.Expect(chart.Locator("canvas")).ToBeVisibleAsync();
        const string Drawn = "c => c.chart.uplot.data[1].map(v => v === null ? -1 : v)";
        const string Decades = "c => { const u = c.chart.uplot; return [u.scales.y.distr, u.valToPos(1, 'y') - u.valToPos(0.1, 'y'), u.valToPos(0.01, 'y') - u.valToPos(1e-3, 'y')]; }";
        Assert.Equal(0, (await chart.EvaluateAsync<double[]>(Drawn))[3]);
        Assert.Equal(1, (await chart.EvaluateAsync<double[]>(Decades))[0]);

        await page.Page.GetByLabel("log scale (y)").CheckAsync();

        var (distribution, upper, lower) = await chart.EvaluateAsync<double[]>(Decades) is [var d, var a, var b] ? (d, a, b) : default;
        Assert.Equal(3, distribution);
        Assert.True(Math.Abs(upper - lower) < 0.5, $"a decade is {upper:F1} px near 1 and {lower:F1} px near 0.001");
        double[] withoutZero = [1, 0.1, 0.01, -1, 1e-4, 1e-5];
        Assert.Equal(withoutZero, await chart.EvaluateAsync<double[]>(Drawn));
        Assert.Contains("log=1", page.Page.Url);

        await page.Page.ReloadAsync();
        await Assertions.Expect(page.Page.GetByLabel("log scale (y)")).ToBeCheckedAsync();
        await Assertions.Expect(chart.Locator("canvas")).ToBeVisibleAsync();
        Assert.Equal(3, (await chart.EvaluateAsync<double[]>(Decades))[0]);
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Zooming_into_a_downsampled_curve_fetches_every_stored_point_of_the_window()
    {
        // 50,000 points (LTTB draws 1,000 of them), jagged so that downsampling leaves most out.
        const int Points = 50_000;
        var run = Guid.NewGuid();
        static double Loss(int step) => 1 + 0.5 * Math.Sin(step / 37.0) + step % 7 * 0.01;
        foreach (var chunk in Enumerable.Range(0, Points).Chunk(10_000))
        {
            await UiRuns.PostAsync(fixture.Tracker, [.. chunk.Select(step => OtlpRequests.Epoch(run, step, [("train_loss", Loss(step))]))]);
        }
        await using var page = await OpenAsync($"/run.html?id={run}&smoothing=0");
        var chart = page.Locator(".chart[data-metric='loss']");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-points", Points.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(chart.Locator(".legend")).ToContainTextAsync(new Regex(@"\(\d+ of 50000 points\)"));
        var drawnBefore = (await SeriesAsync(page, "loss", 0)).Length;
        Assert.InRange(drawnBefore, 2, 1000);
        var windows = new List<string>();
        page.Page.Request += (_, request) =>
        {
            if (request.Url.Contains("fromStep=", StringComparison.Ordinal))
            {
                lock (windows)
                {
                    windows.Add(request.Url);
                }
            }
        };

        // Drag over steps 20,000–20,400 as a user selects a window.
        var (from, to, y) = await chart.EvaluateAsync<float[]>("""
            c => { const u = c.chart.uplot, box = u.over.getBoundingClientRect();
                   return [box.left + u.valToPos(20000, "x"), box.left + u.valToPos(20400, "x"), box.top + box.height / 2]; }
            """) is [var a, var b, var c] ? (a, b, c) : default;
        await page.Page.Mouse.MoveAsync(from, y);
        await page.Page.Mouse.DownAsync();
        await page.Page.Mouse.MoveAsync(to, y, new MouseMoveOptions { Steps = 5 });
        await page.Page.Mouse.UpAsync();

        // The detail arrives: every stored step inside the window is drawn with its stored value.
        await page.Page.WaitForFunctionAsync("""
            () => { const u = document.querySelector(".chart[data-metric='loss']").chart.uplot;
                    return u.data[0].filter(x => x >= u.scales.x.min && x <= u.scales.x.max).length > 300; }
            """, null, new PageWaitForFunctionOptions { Timeout = 10_000 });
        var (min, max) = (double.Parse((await chart.GetAttributeAsync("data-x-min"))!, System.Globalization.CultureInfo.InvariantCulture),
            double.Parse((await chart.GetAttributeAsync("data-x-max"))!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(min, 19_950, 20_050);
        Assert.InRange(max, 20_350, 20_450);
        var xs = await SeriesAsync(page, "loss", 0);
        var values = await SeriesAsync(page, "loss", 1);
        var visible = xs.Select((x, i) => (X: x, Value: values[i])).Where(p => p.X >= min && p.X <= max).ToList();
        var expected = Enumerable.Range((int)Math.Ceiling(min), (int)Math.Floor(max) - (int)Math.Ceiling(min) + 1).ToList();
        Assert.Equal(expected.Select(s => (double)s), visible.Select(p => p.X));
        Assert.Equal(expected.Select(Loss), visible.Select(p => p.Value), new ToleranceComparer(1e-12));
        int fetched;
        lock (windows)
        {
            Assert.Contains(windows, url => url.Contains("/metrics/train_loss?", StringComparison.Ordinal));
            fetched = windows.Count;
        }
        // A window is fetched once: a second of the page at rest asks for nothing more (at most a fetch already on its way).
        await Task.Delay(TimeSpan.FromSeconds(1));
        lock (windows)
        {
            Assert.True(windows.Count - fetched <= 1, $"{windows.Count - fetched} more fetches of the same window: {string.Join(" ", windows.TakeLast(3))}");
        }
        await Assertions.Expect(chart.Locator(".legend")).Not.ToContainTextAsync($"({drawnBefore} of 50000 points)");
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Grouped_runs_page_on_the_server_with_each_groups_header_and_count_and_the_page_survives_a_reload()
    {
        // 30 runs in one experiment and 25 in another, tagged so that the filter keeps exactly these 55.
        var experiment = NewExperiment();
        var tag = Guid.NewGuid().ToString("N")[..10];
        var runs = Enumerable.Range(0, 55).Select(i => (Id: Guid.NewGuid(), Experiment: experiment + (i < 30 ? "-a" : "-b"))).ToList();
        await UiRuns.PostAsync(fixture.Tracker, [.. runs.Select(r => new OtlpRequests.Span(Platform.Contracts.Telemetry.TrainingTelemetryConventions.StartedSpan,
            OtlpRequests.TraceId(r.Id), OtlpRequests.SpanId(2), 1_700_000_000_000_000_000UL, 1_700_000_000_001_000_000UL,
            [(Platform.Contracts.Telemetry.TrainingTelemetryConventions.RunId, r.Id.ToString()), (Platform.Contracts.Telemetry.TrainingTelemetryConventions.Experiment, r.Experiment),
             (Platform.Contracts.Telemetry.TrainingTelemetryConventions.ParamsPrefix + "ui_tag", tag)]))]);
        await using var page = await OpenAsync($"/index.html?filter={Uri.EscapeDataString($"params.ui_tag = '{tag}'")}");
        await Assertions.Expect(page.Locator("#page-info")).ToHaveTextAsync("1–50 of 55");
        await Assertions.Expect(page.Locator("#runs tbody tr.group")).ToHaveCountAsync(0);

        await page.Page.GetByLabel("group by experiment").CheckAsync();

        // Page 1: the first experiment's 30 runs under its header, then 20 of the second's under its own; each header counts the whole group.
        async Task<List<(string Header, List<string> Experiments)>> GroupsAsync() =>
            [.. (await page.Locator("#runs tbody tr").EvaluateAllAsync<string[][]>("""
                rows => { const groups = [];
                          for (const row of rows) {
                            if (row.classList.contains("group")) groups.push([row.textContent.trim()]);
                            else groups[groups.length - 1].push(row.children[2].textContent); }
                          return groups; }
                """)).Select(g => (g[0], g.Skip(1).ToList()))];
        await Assertions.Expect(page.Locator("#runs tbody tr.group")).ToHaveCountAsync(2);
        var first = await GroupsAsync();
        Assert.Equal([$"{experiment}-a (30 runs)", $"{experiment}-b (25 runs)"], first.Select(g => g.Header));
        Assert.Equal([30, 20], first.Select(g => g.Experiments.Count));
        Assert.All(first, g => Assert.All(g.Experiments, e => Assert.StartsWith(e, g.Header)));
        await Assertions.Expect(page.Locator("#previous")).ToBeDisabledAsync();
        var firstIds = await page.Locator("#runs tbody tr[data-run]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.run)");

        await page.Locator("#next").ClickAsync();
        await Assertions.Expect(page.Locator("#page-info")).ToHaveTextAsync("51–55 of 55");
        var second = await GroupsAsync();
        Assert.Equal([($"{experiment}-b (25 runs)", 5)], second.Select(g => (g.Header, g.Experiments.Count)));
        // The two pages hold every run once.
        var shown = firstIds.Concat(await page.Locator("#runs tbody tr[data-run]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.run)")).ToList();
        Assert.Equal(runs.Select(r => r.Id.ToString()).Order(), shown.Order());
        await Assertions.Expect(page.Locator("#next")).ToBeDisabledAsync();
        Assert.Contains("page=2", page.Page.Url);
        Assert.Contains("group=experiment", page.Page.Url);

        await page.Page.ReloadAsync();
        await Assertions.Expect(page.Locator("#page-info")).ToHaveTextAsync("51–55 of 55");
        await Assertions.Expect(page.Page.GetByLabel("group by experiment")).ToBeCheckedAsync();
        await page.Locator("#previous").ClickAsync();
        await Assertions.Expect(page.Locator("#page-info")).ToHaveTextAsync("1–50 of 55");
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_chart_zooms_by_dragging_or_from_the_keyboard_and_a_double_click_resets_it()
    {
        var run = await UiRuns.LogAsync(fixture.Tracker, NewExperiment(), epochs: 10);
        await using var page = await OpenAsync($"/run.html?id={run}");
        var chart = page.Locator(".chart[data-metric='loss']");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-x-max", "9");

        var (from, y) = await PointOnScreenAsync(page, "loss", 2);
        var (to, _) = await PointOnScreenAsync(page, "loss", 6);
        await page.Page.Mouse.MoveAsync(from, y);
        await page.Page.Mouse.DownAsync();
        await page.Page.Mouse.MoveAsync(to, y, new MouseMoveOptions { Steps = 5 });
        await page.Page.Mouse.UpAsync();

        await Assertions.Expect(chart).Not.ToHaveAttributeAsync("data-x-max", "9");
        var (min, max) = (double.Parse((await chart.GetAttributeAsync("data-x-min"))!), double.Parse((await chart.GetAttributeAsync("data-x-max"))!));
        Assert.InRange(min, 1.9, 2.1);
        Assert.InRange(max, 5.9, 6.1);

        await page.Page.Mouse.DblClickAsync(from, y);
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-x-max", "9");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-x-min", "0");

        // Keyboard: Tab reaches the chart, + zooms into the middle, the right arrow pans, 0 resets.
        await chart.Locator(".plot").FocusAsync();
        await page.Page.Keyboard.PressAsync("+");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-x-max", new Regex(@"^8\.1"));
        await page.Page.Keyboard.PressAsync("ArrowRight"); // [0.9, 8.1] moved by a tenth of its width
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-x-max", new Regex(@"^8\.8"));
        Assert.InRange(double.Parse((await chart.GetAttributeAsync("data-x-min"))!), 1.61, 1.63);
        await page.Page.Keyboard.PressAsync("0");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-x-min", "0");
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Smoothing_draws_TensorBoards_moving_average_over_the_faint_raw_line()
    {
        var run = await UiRuns.LogAsync(fixture.Tracker, NewExperiment(), epochs: 8);
        await using var page = await OpenAsync($"/run.html?id={run}&smoothing=0");
        await Assertions.Expect(page.Locator(".chart[data-metric='loss'] canvas")).ToBeVisibleAsync();
        var raw = await SeriesAsync(page, "loss", 1);
        Assert.Equal(raw, await SeriesAsync(page, "loss", 2));
        var unsmoothed = await page.Locator(".chart[data-metric='loss'] canvas").ScreenshotAsync();

        await page.Locator("#smoothing").FillAsync("0.9");

        // TensorBoard's debiased EMA of the stored points: s_t = (0.9 s_(t-1) + 0.1 v_t) / (1 - 0.9^t).
        var expected = new double[raw.Length];
        var last = 0.0;
        for (var t = 0; t < raw.Length; t++)
        {
            last = last * 0.9 + 0.1 * UiRuns.TrainLoss(t, 0.001);
            expected[t] = last / (1 - Math.Pow(0.9, t + 1));
        }
        await page.Page.WaitForFunctionAsync("() => document.querySelector(\".chart[data-metric='loss']\").chart.uplot.series[2].show");
        var smoothed = await SeriesAsync(page, "loss", 2);
        Assert.Equal(expected.Length, smoothed.Length);
        Assert.All(expected.Zip(smoothed), pair => Assert.Equal(pair.First, pair.Second, 1e-12));
        Assert.Equal(raw, await SeriesAsync(page, "loss", 1));
        Assert.NotEqual(unsmoothed, await page.Locator(".chart[data-metric='loss'] canvas").ScreenshotAsync());
        Assert.Contains("smoothing=0.9", page.Page.Url);
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_running_run_gains_points_on_its_page_without_a_reload()
    {
        var run = await UiRuns.LogAsync(fixture.Tracker, NewExperiment(), epochs: 3, complete: false);
        await using var page = await OpenAsync($"/run.html?id={run}");
        var chart = page.Locator(".chart[data-metric='loss']");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-points", "3,3");
        await page.Page.EvaluateAsync("() => window.notReloaded = true");

        await UiRuns.PostAsync(fixture.Tracker, UiRuns.Epoch(run, 3, 0.001), UiRuns.Epoch(run, 4, 0.001));

        await Assertions.Expect(chart).ToHaveAttributeAsync("data-points", "5,5", new LocatorAssertionsToHaveAttributeOptions { Timeout = 10_000 });
        Assert.True(await page.Page.EvaluateAsync<bool>("() => window.notReloaded === true"));
        Assert.Equal(5, (await SeriesAsync(page, "loss", 1)).Length);
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_confusion_matrix_shows_the_stored_counts_and_their_row_normalised_rates()
    {
        var run = await UiRuns.LogAsync(fixture.Tracker, NewExperiment(), epochs: 2);
        await using var page = await OpenAsync($"/run.html?id={run}");
        var catAsDog = page.Locator("svg.confusion .cell[data-row='0'][data-col='1']");
        await Assertions.Expect(catAsDog.Locator("text")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("svg.confusion .cell")).ToHaveCountAsync(4);

        await page.Page.GetByLabel("row-normalised rates").CheckAsync();

        await Assertions.Expect(page.Locator("svg.confusion .cell[data-row='0'][data-col='1'] text")).ToHaveTextAsync("3.8%");
        await Assertions.Expect(page.Locator("svg.confusion .cell[data-row='1'][data-col='1'] text")).ToHaveTextAsync("93.8%");
        await Assertions.Expect(page.Locator("#per-class")).ToContainTextAsync("0.961538");
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_findings_remedy_button_starts_the_linked_run_and_its_page_shows_what_changed()
    {
        var (status, created) = await fixture.SendJsonAsync(HttpMethod.Post, $"/experiments/{NewExperiment()}/runs", new
        {
            dataset = new { name = "fashion-mnist", version = 2 },
            modelName = "fashion-classifier",
            config = new { architecture = "small_cnn", epochs = 4, weightDecay = 0.01 },
        });
        Assert.Equal(201, status);
        var parent = created.GetProperty("id").GetGuid();
        await UiRuns.PostAsync(fixture.Tracker, UiRuns.Epoch(parent, 0, 0.001), UiRuns.Epoch(parent, 1, 0.001), UiRuns.OverfittingFinding(parent));
        await using var page = await OpenAsync($"/run.html?id={parent}");

        var finding = page.Locator("#findings article[data-finding='overfitting']");
        await Assertions.Expect(finding).ToContainTextAsync("rose 2 epochs in a row");
        await finding.Locator("button.remedy").ClickAsync();

        await page.Page.WaitForURLAsync(url => !url.Contains(parent.ToString()));
        var child = Guid.Parse(new Uri(page.Page.Url).Query.Split("id=")[1]);
        var record = await fixture.GetJsonAsync($"/runs/{child}");
        Assert.Equal((parent, "overfitting#0"), (record.GetProperty("parentRunId").GetGuid(), record.GetProperty("remedyOf").GetString()));
        await Assertions.Expect(page.Locator(".lineage")).ToContainTextAsync("overfitting#0");
        var changed = page.Locator("#params tr.differs");
        await Assertions.Expect(changed).ToHaveCountAsync(1);
        await Assertions.Expect(changed).ToContainTextAsync("weight_decay0.05 (parent: 0.01)");
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Step_level_curves_get_their_own_charts_and_per_block_gradient_norms_share_one()
    {
        var run = Guid.NewGuid();
        await UiRuns.PostAsync(fixture.Tracker, [.. Enumerable.Range(0, 3).Select(epoch => OtlpRequests.Epoch(run, epoch,
            [("train_loss", 1.0 / (epoch + 1)), ("block_grad_norm.stem", 0.1 * (epoch + 1)), ("block_grad_norm.layer1", 0.2), ("block_grad_norm.head", 0.3)])),
            .. Enumerable.Range(1, 20).Select(step => OtlpRequests.Epoch(run, step * 10, [("step_train_loss", 2.0 / step)]))]);
        await using var page = await OpenAsync($"/run.html?id={run}");

        await Assertions.Expect(page.Locator(".chart[data-metric='gradient norm per block'] .legend [data-series]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator(".chart[data-metric='loss per step']")).ToHaveAttributeAsync("data-points", "20");
        await Assertions.Expect(page.Locator(".chart[data-metric='loss']")).ToHaveAttributeAsync("data-points", "3");
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Chosen_columns_and_the_sort_survive_a_reload()
    {
        var experiment = NewExperiment();
        foreach (var lr in new[] { 0.001, 0.01, 0.003 })
        {
            await UiRuns.LogAsync(fixture.Tracker, experiment, epochs: 2, lr: lr);
        }
        await using var page = await OpenAsync($"/index.html?experiment={experiment}");
        await Assertions.Expect(page.Locator("#runs tbody tr[data-run]")).ToHaveCountAsync(3);

        await page.Locator("#columns-picker summary").ClickAsync();
        await page.Page.GetByLabel("params.lr").CheckAsync();
        await page.Locator("#runs thead button.sort[data-key='params.lr']").ClickAsync();
        await Assertions.Expect(page.Locator("#runs thead th[aria-sort='descending'] button[data-key='params.lr']")).ToBeVisibleAsync();
        await page.Page.ReloadAsync();

        await Assertions.Expect(page.Locator("#runs thead th[aria-sort='descending'] button[data-key='params.lr']")).ToBeVisibleAsync();
        var lrColumn = await page.Locator("#runs thead th").AllTextContentsAsync();
        var index = lrColumn.ToList().IndexOf("lr");
        Assert.Equal(["0.01", "0.003", "0.001"], await page.Locator($"#runs tbody tr[data-run] td:nth-child({index + 1})").AllTextContentsAsync());
        Assert.Contains("cols=", page.Page.Url);
        await page.ScreenshotAsync("tracker-runs");
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_filter_that_does_not_parse_shows_its_error_beside_the_box()
    {
        await using var page = await OpenAsync("/index.html");
        await page.Locator("#filter").FillAsync("metrics.val_accuracy >");
        await page.Locator("#filter").PressAsync("Enter");

        await Assertions.Expect(page.Locator("#filter-error")).ToContainTextAsync("is not a clause");
        await Assertions.Expect(page.Locator("#filter")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Contains("filter=", page.Page.Url);
        page.AssertNoConsoleErrors("the server responded with a status of 400");
    }

    [Fact]
    public async Task Two_selected_runs_open_the_comparison_with_both_curves_and_the_differing_parameter_highlighted()
    {
        var experiment = NewExperiment();
        var first = await UiRuns.LogAsync(fixture.Tracker, experiment, epochs: 6);
        var second = await UiRuns.LogAsync(fixture.Tracker, experiment, epochs: 4, lr: 0.01);
        await using var page = await OpenAsync($"/index.html?experiment={experiment}");

        await page.Locator($"tr[data-run='{first}'] input.pick").CheckAsync();
        await page.Locator($"tr[data-run='{second}'] input.pick").CheckAsync();
        await page.Locator("#compare").ClickAsync();

        await page.Page.WaitForURLAsync("**/compare.html?ids=*");
        var chart = page.Locator(".chart[data-metric='train_loss']");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-points", new Regex("^(6,4|4,6)$"));
        await Assertions.Expect(chart.Locator(".legend [data-series]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#params tr", new PageLocatorOptions { HasText = "lr" }).First).ToHaveClassAsync("differs");
        await Assertions.Expect(page.Locator("#finals tr", new PageLocatorOptions { HasText = "test_accuracy" })).ToContainTextAsync("0.95");
        await page.ScreenshotAsync("tracker-compare");
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_sweep_page_lists_every_trial_marks_the_pruned_one_at_its_rung_and_its_best_so_far_is_the_best_recorded_objective()
    {
        var experiment = NewExperiment();
        var sweepId = await UiSweeps.RunAsync(fixture, experiment);
        var stored = await fixture.GetJsonAsync($"/sweeps/{sweepId}");
        var trials = stored.GetProperty("trials").EnumerateArray().ToList();
        var bestRecorded = trials.Where(t => t.GetProperty("state").GetString() == "completed").Max(t => t.GetProperty("objective").GetDouble());

        // Linked from the runs page: the experiment's sweeps, then the sweep.
        await using var page = await OpenAsync($"/index.html?experiment={experiment}");
        await page.Locator($"#sweeps tr[data-sweep='{sweepId}'] a").ClickAsync();
        await page.Page.WaitForURLAsync($"**/sweep.html?id={sweepId}");

        var rows = page.Locator("#trials tbody tr[data-trial]");
        await Assertions.Expect(rows).ToHaveCountAsync(trials.Count);
        foreach (var trial in trials)
        {
            var row = page.Locator($"#trials tbody tr[data-trial='{trial.GetProperty("number").GetInt32()}']");
            await Assertions.Expect(row.Locator("a")).ToHaveAttributeAsync("href", $"/run.html?id={trial.GetProperty("runId").GetGuid()}");
            await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync(trial.GetProperty("state").GetString()!);
            await Assertions.Expect(row.Locator(".objective")).ToHaveTextAsync(trial.GetProperty("objective").GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var pruned = page.Locator($"#trials tbody tr[data-trial='{UiSweeps.PrunedTrial}']");
        await Assertions.Expect(pruned).ToHaveAttributeAsync("data-state", "pruned");
        await Assertions.Expect(pruned).ToHaveAttributeAsync("data-pruned-at", "1");
        await Assertions.Expect(pruned.Locator(".rung")).ToHaveTextAsync("at epoch 1");
        Assert.Single(trials, t => t.GetProperty("state").GetString() == "pruned");

        // Best so far: the best objective any completed trial recorded, which is the sweep's result.
        var progress = page.Locator("#best-so-far");
        Assert.Equal(bestRecorded, double.Parse((await progress.GetAttributeAsync("data-best"))!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(stored.GetProperty("best").GetProperty("objective").GetDouble(), bestRecorded);
        Assert.Equal(bestRecorded, double.Parse((await progress.Locator(".best-step").Last.GetAttributeAsync("data-value"))!, System.Globalization.CultureInfo.InvariantCulture));

        // Parallel coordinates: a line per trial with a value (the pruned one dashed), parameters then the objective; lr on a log axis.
        await Assertions.Expect(page.Locator("#parallel polyline.trial-line")).ToHaveCountAsync(trials.Count);
        await Assertions.Expect(page.Locator($"#parallel polyline.trial-line[data-trial='{UiSweeps.PrunedTrial}']")).ToHaveAttributeAsync("stroke-dasharray", "6 4");
        await Assertions.Expect(page.Locator("#parallel .axis")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#parallel .axis[data-axis='lr']")).ToHaveAttributeAsync("data-scale", "log");
        await Assertions.Expect(page.Locator("#scatter figure.scatter")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator($"#scatter .trial-point[data-trial='{UiSweeps.PrunedTrial}'] path")).ToHaveCountAsync(2);

        await page.ScreenshotAsync("tracker-sweep");

        // Keyboard: a focused trial row picks out its line; the labelled checkbox leaves the pruned trial out of the plots.
        await pruned.FocusAsync();
        await Assertions.Expect(page.Locator($"#parallel polyline.trial-line[data-trial='{UiSweeps.PrunedTrial}']")).ToHaveClassAsync(new Regex("highlighted"));
        await page.Page.GetByLabel("draw pruned trials in the plots").UncheckAsync();
        await Assertions.Expect(page.Locator("#parallel polyline.trial-line")).ToHaveCountAsync(trials.Count - 1);

        // A trial's run page links back to its sweep.
        await pruned.Locator("a").ClickAsync();
        await Assertions.Expect(page.Locator("#sweep-link")).ToContainTextAsync($"Trial {UiSweeps.PrunedTrial} of sweep {sweepId.ToString()[..8]} · pruned by early stopping at epoch 1");
        page.AssertNoConsoleErrors();
    }

    private async Task<string> RegisterModelAsync(int versions)
    {
        var model = $"ui-model-{Guid.NewGuid():N}"[..20];
        for (var i = 0; i < versions; i++)
        {
            var run = Guid.NewGuid();
            await fixture.WritePackageAsync(model, run);
            await fixture.Bus.Publish(new ModelTrained(run, model, $"http://blobs/models/ui-{i}.zip", "fashion-mnist", 1,
                new Dictionary<string, double> { ["test_accuracy"] = 0.9 + i / 100.0 }, DateTimeOffset.UtcNow));
            await fixture.Tracker.PollAsync($"/models/{model}", m => m.GetProperty("versions").GetArrayLength() == i + 1);
        }
        return model;
    }

    [Fact]
    public async Task Promoting_a_version_asks_first_then_sets_the_alias_and_publishes_ModelPromoted()
    {
        var model = await RegisterModelAsync(1);
        var run = (await fixture.GetJsonAsync($"/models/{model}")).GetProperty("versions")[0].GetProperty("runId").GetGuid();
        await using var page = await OpenAsync("/models.html");
        var version = page.Locator($"section[data-model='{model}'] tr[data-version='1']");
        await Assertions.Expect(version.Locator(".lineage")).ToContainTextAsync("dataset fashion-mnist v1 → run");
        await version.Locator("input.alias").FillAsync("staging");

        await version.Locator("button.promote").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-message")).ToContainTextAsync("at version 1");
        await page.Page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#confirm")).Not.ToBeVisibleAsync();
        Assert.Empty((await fixture.GetJsonAsync($"/models/{model}")).GetProperty("aliases").EnumerateObject());
        await version.Locator("button.promote").ClickAsync();
        await page.Locator("#confirm-yes").ClickAsync();

        await Assertions.Expect(page.Locator($"section[data-model='{model}'] tr[data-version='1'] .aliases")).ToHaveTextAsync("staging");
        var promoted = await fixture.WaitForPublishedAsync<ModelPromoted>(m => m.ModelName == model);
        Assert.Equal(("staging", 1, run), (promoted.Alias, promoted.Version, promoted.RunId));
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Rolling_back_an_alias_returns_it_to_the_version_it_served_before()
    {
        var model = await RegisterModelAsync(2);
        foreach (var version in new[] { 1, 2 })
        {
            var (status, body) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production", new { version });
            Assert.True(status == 200, body.ToString());
        }
        await using var page = await OpenAsync("/models.html");
        var alias = page.Locator($"section[data-model='{model}'] tr[data-alias='production']");
        await Assertions.Expect(alias.Locator(".route")).ToHaveTextAsync("v2");

        await alias.Locator("button.rollback").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-message")).ToContainTextAsync("from version 2 to version 1");
        await page.Locator("#confirm-yes").ClickAsync();

        await Assertions.Expect(page.Locator($"section[data-model='{model}'] tr[data-alias='production'] .route")).ToHaveTextAsync("v1");
        var history = await fixture.GetJsonAsync($"/models/{model}/history");
        Assert.Equal("rollback", history[history.GetArrayLength() - 1].GetProperty("action").GetString());
        await page.ScreenshotAsync("tracker-models");
        page.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_datasets_page_shows_each_near_duplicate_beside_its_original_and_says_when_ingest_is_down()
    {
        var version = await fixture.HealthDatasetAsync();
        var stored = (await fixture.GetJsonAsync($"/datasets/{UiDatasets.Name}/versions/{version}")).GetProperty("report").GetProperty("health");
        await using var page = await OpenAsync("/datasets.html");
        await page.Locator($"tr[data-dataset='{UiDatasets.Name}'] th a").ClickAsync();
        await page.Locator($"tr[data-version='{version}'] th a").ClickAsync();

        await Assertions.Expect(page.Locator("#title")).ToHaveTextAsync($"{UiDatasets.Name} v{version}");
        await Assertions.Expect(page.Locator("li.pair")).ToHaveCountAsync(stored.GetProperty("nearDuplicates").GetArrayLength());
        await Assertions.Expect(page.Locator("li.label-issue")).ToHaveCountAsync(stored.GetProperty("labelIssues").GetArrayLength());
        await Assertions.Expect(page.Locator("li.outlier")).ToHaveCountAsync(stored.GetProperty("outliers").GetArrayLength());
        foreach (var (copy, original) in UiDatasets.PlantedCopies)
        {
            var pair = $"li.pair:is([data-copy='{copy}'][data-original='{original}'], [data-copy='{original}'][data-original='{copy}'])";
            await Assertions.Expect(page.Locator($"{pair} .side-by-side img")).ToHaveCountAsync(2);
            // Both pictures came through the tracker from ingest and decoded: the two images are side by side, not broken links.
            await page.Page.WaitForFunctionAsync("selector => [...document.querySelectorAll(selector)].every(i => i.complete && i.naturalWidth > 0)",
                $"{pair} .side-by-side img");
        }
        await Assertions.Expect(page.Locator("table.class-counts")).ToContainTextAsync(UiDatasets.Classes[0]);
        await page.ScreenshotAsync("tracker-datasets");
        page.AssertNoConsoleErrors();

        fixture.IngestRoute.Cut();
        try
        {
            await using var down = await OpenAsync("/datasets.html");
            await Assertions.Expect(down.Locator("#error")).ToContainTextAsync("The ingest service did not answer");
            down.AssertNoConsoleErrors("503");
        }
        finally
        {
            fixture.IngestRoute.Restore();
        }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
