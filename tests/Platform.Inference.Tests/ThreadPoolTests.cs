using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Inference.Tests;

/// <summary>
/// Where the sessions' intra-op threads come from: by default one pool the service creates at start, shared by every answering
/// version (the versions of a split no longer bring a pool each); with <c>Inference:ThreadPool=PerSession</c> each session its own.
/// </summary>
[Collection(InferenceCollection.Name)]
public sealed class ThreadPoolTests(InferenceFixture fixture)
{
    private const float LogitTolerance = 1e-4f;

    [Fact]
    public async Task By_default_a_splits_versions_run_on_the_shared_pool_and_each_answers_with_its_own_logits()
    {
        const string alias = "pooled-split";
        var service = fixture.Service;
        await fixture.ApplyRouteAsync(fixture.SplitPromotion(alias, [(1, 50), (2, 50)]));
        try
        {
            var status = await service.Client.GetFromJsonAsync<JsonElement>("/status");
            Assert.Equal("shared", status.GetProperty("threadPool").GetString());
            foreach (var version in new[] { 1, 2 })
            {
                var served = Served(status, version);
                Assert.Equal(("shared", false), (served.GetProperty("threadPool").GetString(), served.GetProperty("background").GetBoolean()));
            }

            var answers = await PredictFromManyClientsAsync(service, alias);

            // Both versions answered, at once and on the same pool, each with the logits of its own package.
            Assert.Equal([1, 2], answers.Select(a => a.Version).Distinct().Order());
            AssertLogitsOfTheirVersion(answers);
        }
        finally
        {
            await fixture.ApplyRouteAsync(fixture.Promotion(1, alias));
        }
    }

    [Fact]
    public async Task With_per_session_pools_each_version_has_its_own_and_a_minor_share_does_not_spin()
    {
        const string alias = "per-session-split";
        await using var service = await fixture.StartServiceAsync(new Dictionary<string, string?> { ["Inference__ThreadPool"] = "PerSession" });
        await fixture.ApplyRouteAsync(fixture.SplitPromotion(alias, [(1, 90), (2, 10)]), service);
        try
        {
            var status = await service.Client.GetFromJsonAsync<JsonElement>("/status");
            Assert.Equal("perSession", status.GetProperty("threadPool").GetString());
            var primaries = Model(status).GetProperty("aliases").EnumerateObject().Select(a => a.Value.GetInt32()).ToHashSet();
            foreach (var version in new[] { 1, 2 })
            {
                var served = Served(status, version);
                Assert.Equal("perSession", served.GetProperty("threadPool").GetString());
                // Its own pool's idle threads would take the primary's cores: only an alias's primary spins.
                Assert.Equal(primaries.Contains(version), served.GetProperty("spinning").GetBoolean());
            }

            var answers = await PredictFromManyClientsAsync(service, alias);

            AssertLogitsOfTheirVersion(answers);
        }
        finally
        {
            await fixture.ApplyRouteAsync(fixture.Promotion(1, alias), service);
        }
    }

    private static JsonElement Model(JsonElement status) =>
        status.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == InferenceFixture.ModelName);

    private static JsonElement Served(JsonElement status, int version) =>
        Model(status).GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == version);

    private void AssertLogitsOfTheirVersion(IReadOnlyList<(int Index, int Version, float[] Logits)> answers)
    {
        foreach (var (index, version, logits) in answers)
        {
            var expected = fixture.Versions[version].Logits(fixture.TestImages.Load(index));
            Assert.All(expected.Zip(logits), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, LogitTolerance));
        }
    }

    /// <summary>Eight clients, eight distinct images each, one per request with a request id of its own: version and logits of each.</summary>
    private async Task<IReadOnlyList<(int Index, int Version, float[] Logits)>> PredictFromManyClientsAsync(ServiceHost service, string alias)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(client => Task.Run(async () =>
        {
            var mine = new List<(int, int, float[])>();
            for (var i = 0; i < 8; i++)
            {
                var index = 9500 + client * 8 + i;
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/models/{InferenceFixture.ModelName}/predict?alias={alias}&logits=true&topK=1")
                {
                    Content = new ByteArrayContent(fixture.Png(index)),
                };
                request.Headers.Add("X-Request-Id", $"pool-{index}");
                using var response = await service.Client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
                var answer = JsonDocument.Parse(body).RootElement;
                var result = answer.GetProperty("results")[0];
                mine.Add((index, answer.GetProperty("version").GetInt32(), [.. result.GetProperty("logits").EnumerateArray().Select(v => v.GetSingle())]));
            }
            return mine;
        })));
        return [.. answers.SelectMany(a => a)];
    }
}
