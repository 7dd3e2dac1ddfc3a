using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Platform.Contracts;

namespace Platform.Inference.Tests;

[Collection(InferenceCollection.Name)]
public sealed class ShadowTests(InferenceFixture fixture)
{
    private const string Alias = "shadowed";

    [Fact]
    public async Task Shadow_agreement_equals_a_direct_comparison_of_the_two_versions_on_the_same_images()
    {
        await fixture.ApplyRouteAsync(fixture.SplitPromotion(Alias, [(1, 100)], shadow: 2));
        var before = await AgreementAsync();
        var indices = Enumerable.Range(9200, 24).ToArray();

        using var form = OverloadTests.Multipart(indices.Select(fixture.Png));
        using var response = await fixture.Service.Client.PostAsync($"/models/{InferenceFixture.ModelName}/predict?alias={Alias}", form);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var figures = await AgreementAsync(compared: before.Compared + indices.Length);

        var (primary, shadow) = (fixture.Versions[1], fixture.Versions[2]);
        var matches = 0;
        var difference = 0.0;
        foreach (var index in indices)
        {
            var p = primary.Probabilities(fixture.TestImages.Load(index));
            var q = shadow.Probabilities(fixture.TestImages.Load(index));
            matches += Array.IndexOf(p, p.Max()) == Array.IndexOf(q, q.Max()) ? 1 : 0;
            difference += p.Zip(q, (a, b) => Math.Abs(a - b)).Average();
        }
        // The figures are over every image compared since the pair began: take this request's share out of them.
        var top1 = (figures.Top1 * figures.Compared - before.Top1 * before.Compared) / indices.Length;
        var meanDifference = (figures.MeanDifference * figures.Compared - before.MeanDifference * before.Compared) / indices.Length;
        Assert.Equal((double)matches / indices.Length, top1, 1e-9);
        Assert.Equal(difference / indices.Length, meanDifference, 1e-5);
        // A version that only shadows runs in the background (idle priority, one thread of its own, no spinning, never on the shared
        // pool, whose threads are the answering versions'); one that answers an alias never does.
        var status = await fixture.Service.Client.GetFromJsonAsync<JsonElement>("/status");
        var model = status.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == InferenceFixture.ModelName);
        var answersAnAlias = model.GetProperty("routes").EnumerateObject()
            .Any(route => route.Value.GetProperty("versions").EnumerateArray().Any(v => v.GetProperty("version").GetInt32() == 2));
        var served = model.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == 2);
        Assert.True(answersAnAlias != served.GetProperty("background").GetBoolean(), model.ToString());
        if (!answersAnAlias)
        {
            Assert.Equal((1, 1, false, "perSession"), (served.GetProperty("concurrentBatches").GetInt32(), served.GetProperty("intraOpThreads").GetInt32(),
                served.GetProperty("spinning").GetBoolean(), served.GetProperty("threadPool").GetString()));
        }
    }

    [Fact]
    public async Task Under_overload_the_shadow_is_shed_and_the_primarys_answers_and_p99_latency_stay_as_without_it()
    {
        // The same 10×-overload burst, alternately without and with a shadow (off, on, off, on, after a warm-up burst), so drift
        // of the shared machine falls on both. Stated bound: with the shadow, the primary's p99 over its 200 answers is at most
        // 1.5 × the p99 without it + 50 ms, and its share of 429s at most 0.15 higher. A shadow on the answer path would wait
        // for a second inference per request and roughly double the queueing under overload; the benchmark measures the
        // precise figure (docs/benchmarks.md, goal +10 %).
        var images = Enumerable.Range(9300, 8).Select(fixture.Png).ToList();
        // A fresh promotion each time: the service keeps the newest by promotion time, so a re-sent older one would be stale.
        ModelPromoted Without() => fixture.SplitPromotion(Alias, [(1, 100)]);
        ModelPromoted With() => fixture.SplitPromotion(Alias, [(1, 100)], shadow: 2);
        await fixture.ApplyRouteAsync(Without());
        await BurstAsync(images, clients: 16);
        var off = new List<(HttpStatusCode Status, double Ms, string Body)>();
        var on = new List<(HttpStatusCode Status, double Ms, string Body)>();
        long shedBefore = 0;
        for (var round = 0; round < 2; round++)
        {
            await fixture.ApplyRouteAsync(Without());
            off.AddRange(await BurstAsync(images, clients: 48));
            await fixture.ApplyRouteAsync(With());
            shedBefore = (await AgreementAsync()).Shed;
            on.AddRange(await BurstAsync(images, clients: 48));
        }

        Assert.All(off.Concat(on), s => Assert.True(s.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{(int)s.Status}: {s.Body}"));
        var after = await AgreementAsync();
        Assert.True(after.Shed > shedBefore, $"No mirrored request was shed ({after.Compared} images compared).");
        double P99(List<(HttpStatusCode Status, double Ms, string Body)> answers)
        {
            var accepted = answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Ms).Order().ToList();
            return accepted[(int)Math.Ceiling(accepted.Count * 0.99) - 1];
        }
        double Refused(List<(HttpStatusCode Status, double Ms, string Body)> answers) => answers.Count(a => a.Status != HttpStatusCode.OK) / (double)answers.Count;
        var (p99Off, p99On) = (P99(off), P99(on));
        Assert.True(p99On <= 1.5 * p99Off + 50, $"primary p99 {p99Off:F0} ms without the shadow, {p99On:F0} ms with it");
        Assert.True(Refused(on) <= Refused(off) + 0.15, $"429 share {Refused(off):P0} without the shadow, {Refused(on):P0} with it");
        using var health = await fixture.Service.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary><paramref name="clients"/> clients each posting the eight images six times in a row: far past the queue's capacity.</summary>
    private async Task<List<(HttpStatusCode Status, double Ms, string Body)>> BurstAsync(IReadOnlyList<byte[]> images, int clients)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var mine = new List<(HttpStatusCode, double, string)>();
            for (var i = 0; i < 6; i++)
            {
                using var form = OverloadTests.Multipart(images);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                using var answer = await fixture.Service.Client.PostAsync($"/models/{InferenceFixture.ModelName}/predict?alias={Alias}", form);
                var body = await answer.Content.ReadAsStringAsync();
                mine.Add((answer.StatusCode, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, body));
            }
            return mine;
        })));
        return [.. answers.SelectMany(a => a)];
    }

    /// <summary>The alias's agreement figures for v1 against shadow v2, once at least <paramref name="compared"/> images are compared.</summary>
    private async Task<(long Compared, long Shed, double Top1, double MeanDifference)> AgreementAsync(long compared = 0)
    {
        (long, long, double, double) figures = default;
        await fixture.Service.PollAsync("/status", status =>
        {
            var model = status.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == InferenceFixture.ModelName);
            var pair = model.GetProperty("shadows").EnumerateArray()
                .FirstOrDefault(s => s.GetProperty("alias").GetString() == Alias && s.GetProperty("primary").GetInt32() == 1 && s.GetProperty("shadow").GetInt32() == 2);
            figures = pair.ValueKind == JsonValueKind.Object
                ? (pair.GetProperty("compared").GetInt64(), pair.GetProperty("shed").GetInt64(), pair.GetProperty("top1Agreement").GetDouble(),
                    pair.GetProperty("meanAbsProbabilityDifference").GetDouble())
                : default;
            return figures.Item1 >= compared;
        }, TimeSpan.FromSeconds(30));
        return figures;
    }
}
