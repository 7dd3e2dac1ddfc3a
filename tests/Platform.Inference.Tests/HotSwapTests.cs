using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Inference.Tests;

[Collection(InferenceCollection.Name)]
public sealed class HotSwapTests(InferenceFixture fixture)
{
    [Fact]
    public async Task Promoting_a_new_version_during_a_stream_of_requests_fails_none_and_switches_the_answers()
    {
        var before = await fixture.ServingVersionAsync();
        var after = before == 1 ? 2 : 1;
        var image = fixture.Png(9500);
        var answers = new ConcurrentBag<(int Client, int Sequence, HttpStatusCode Status, int Version, string Body)>();
        using var stop = new CancellationTokenSource();
        var switched = 0;
        var clients = Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
        {
            var afterSwitch = 0;
            for (var sequence = 0; afterSwitch < 25; sequence++)
            {
                using var content = new ByteArrayContent(image);
                using var response = await fixture.Service.Client.PostAsync("/models/fashion-cnn/predict", content);
                var body = await response.Content.ReadAsStringAsync();
                var version = response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.GetProperty("version").GetInt32() : 0;
                answers.Add((client, sequence, response.StatusCode, version, body));
                if (Volatile.Read(ref switched) == 1)
                {
                    afterSwitch++;
                }
                if (sequence > 5000)
                {
                    throw new TimeoutException("The stream ran 5000 requests without seeing the switch.");
                }
            }
        })).ToList();

        // Let the stream run on the old version first, then promote.
        while (answers.Count < 40)
        {
            await Task.Delay(20);
        }
        await fixture.PublishAsync(fixture.Promotion(after));
        await InferenceFixture.WaitForServingAsync(fixture.Service, after);
        Volatile.Write(ref switched, 1);
        await Task.WhenAll(clients);

        var failures = answers.Where(a => a.Status != HttpStatusCode.OK).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {answers.Count} requests failed, e.g. {failures.FirstOrDefault().Body}");
        foreach (var client in answers.GroupBy(a => a.Client))
        {
            var versions = client.OrderBy(a => a.Sequence).Select(a => a.Version).ToList();
            Assert.Equal(before, versions[0]);
            Assert.Equal(after, versions[^1]);
            // Each client asks one request at a time: once it got the new version it never gets the old one again.
            var firstNew = versions.IndexOf(after);
            Assert.All(versions.Skip(firstNew), version => Assert.Equal(after, version));
        }
    }

    [Fact]
    public async Task The_previous_version_stays_loaded_for_pinned_requests_after_a_promotion()
    {
        var before = await fixture.ServingVersionAsync();
        var after = before == 1 ? 2 : 1;
        await fixture.PromoteAsync(after);
        using var content = new ByteArrayContent(fixture.Png(9600));
        using var response = await fixture.Service.Client.PostAsync($"/models/fashion-cnn/versions/{before}/predict", content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, body.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_new_instance_serves_the_promotions_recorded_before_it_started()
    {
        var serving = await fixture.ServingVersionAsync();
        await using var restarted = await fixture.StartServiceAsync();
        Assert.Equal(serving, await fixture.ServingVersionAsync(restarted));
        using var content = new ByteArrayContent(fixture.Png(9700));
        using var response = await restarted.Client.PostAsync("/models/fashion-cnn/predict", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Every_running_instance_switches_on_one_promotion()
    {
        var before = await fixture.ServingVersionAsync();
        var after = before == 1 ? 2 : 1;
        await using var second = await fixture.StartServiceAsync();
        await fixture.PromoteAsync(after);
        await InferenceFixture.WaitForServingAsync(second, after);
        Assert.Equal(after, await fixture.ServingVersionAsync(second));
    }

    [Fact]
    public async Task An_older_promotion_arriving_late_does_not_move_the_alias()
    {
        var serving = await fixture.ServingVersionAsync();
        var other = serving == 1 ? 2 : 1;
        var stale = fixture.Promotion(other) with { PromotedAt = DateTimeOffset.UtcNow.AddHours(-1) };
        await fixture.PublishAsync(stale);
        // A later, current promotion of the same version proves the stale one was consumed before it.
        await fixture.PublishAsync(fixture.Promotion(serving, alias: "canary"));
        await fixture.Service.PollAsync("/status", status => status.GetProperty("models")[0].GetProperty("aliases").TryGetProperty("canary", out _), TimeSpan.FromSeconds(30));
        Assert.Equal(serving, await fixture.ServingVersionAsync());
    }
}
