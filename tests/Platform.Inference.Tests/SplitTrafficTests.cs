using System.Net.Http.Json;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Platform.Inference.Tests;

[Collection(InferenceCollection.Name)]
public sealed class SplitTrafficTests(InferenceFixture fixture)
{
    private const string Alias = "split";

    [Fact]
    public async Task A_90_10_split_answers_within_binomial_bounds_and_a_rollback_restores_all_traffic_at_once()
    {
        await fixture.ApplyRouteAsync(fixture.SplitPromotion(Alias, [(1, 90), (2, 10)]));
        // With the service's default shared pool both versions run on its threads, which spin for both (ThreadPoolTests has the
        // per-session case, where the minor share does not spin).
        var status = await fixture.Service.Client.GetFromJsonAsync<JsonElement>("/status");
        var model = status.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == InferenceFixture.ModelName);
        foreach (var version in new[] { 1, 2 })
        {
            var served = model.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == version);
            Assert.Equal(("shared", true, status.GetProperty("intraOpThreads").GetInt32()),
                (served.GetProperty("threadPool").GetString(), served.GetProperty("spinning").GetBoolean(), served.GetProperty("intraOpThreads").GetInt32()));
        }
        var image = fixture.Png(9800);
        var versions = new ConcurrentBag<int>();
        var failures = new ConcurrentBag<string>();
        await Parallel.ForAsync(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, cancellationToken) =>
        {
            var (status, version, body) = await PredictAsync(image, requestId: null, cancellationToken);
            if (status != HttpStatusCode.OK)
            {
                failures.Add(body);
            }
            versions.Add(version);
        });

        Assert.True(failures.IsEmpty, $"{failures.Count} requests failed, e.g. {failures.FirstOrDefault()}");
        Assert.All(versions, version => Assert.Contains(version, new[] { 1, 2 }));
        // Binomial(2000, 0.1): mean 200, standard deviation 13.4; ±4.5 σ keeps a false failure below one in 100,000 runs.
        var canary = versions.Count(v => v == 2);
        Assert.InRange(canary, 140, 260);

        await fixture.ApplyRouteAsync(fixture.Promotion(1, Alias));
        var afterRollback = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => PredictAsync(image, requestId: null, CancellationToken.None)));
        Assert.All(afterRollback, answer => Assert.Equal((HttpStatusCode.OK, 1), (answer.Status, answer.Version)));
    }

    [Fact]
    public async Task A_request_id_lands_on_the_same_version_every_time()
    {
        await fixture.ApplyRouteAsync(fixture.SplitPromotion(Alias, [(1, 50), (2, 50)]));
        var image = fixture.Png(9801);
        var routed = new Dictionary<string, HashSet<int>>();
        foreach (var id in Enumerable.Range(0, 30).Select(i => $"client-{i}"))
        {
            routed[id] = [];
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var (status, version, body) = await PredictAsync(image, id, CancellationToken.None);
                Assert.True(status == HttpStatusCode.OK, body);
                routed[id].Add(version);
            }
        }

        Assert.All(routed, pair => Assert.Single(pair.Value));
        // 30 ids over a 50/50 split: both versions answer some (all on one side has probability 2 × 2⁻³⁰).
        Assert.Equal([1, 2], routed.Values.Select(v => v.Single()).Distinct().Order());
    }

    private async Task<(HttpStatusCode Status, int Version, string Body)> PredictAsync(byte[] image, string? requestId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/models/{InferenceFixture.ModelName}/predict?alias={Alias}") { Content = new ByteArrayContent(image) };
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-Id", requestId);
        }
        using var response = await fixture.Service.Client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return (response.StatusCode, 0, body);
        }
        var answer = JsonDocument.Parse(body).RootElement;
        Assert.Equal(Alias, answer.GetProperty("alias").GetString());
        return (response.StatusCode, answer.GetProperty("version").GetInt32(), body);
    }
}
