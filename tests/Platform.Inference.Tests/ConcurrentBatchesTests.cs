using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;
using Platform.Testing.Otlp;

namespace Platform.Inference.Tests;

/// <summary>Per-model execution settings: several batches of one version at once on one session, and the checks on those settings.</summary>
[Collection(InferenceCollection.Name)]
public sealed class ConcurrentBatchesTests(InferenceFixture fixture)
{
    private const float LogitTolerance = 1e-4f;
    private const string ModelSettings = "Inference__Models__" + InferenceFixture.ModelName + "__";

    [Fact]
    public async Task Two_batches_at_once_overlap_and_every_image_gets_its_own_logits()
    {
        await using var receiver = OtlpReceiver.Start();
        await using var service = await fixture.StartServiceAsync(new Dictionary<string, string?>(receiver.ExporterEnvironment())
        {
            [ModelSettings + "ConcurrentBatches"] = "2",
            [ModelSettings + "IntraOpThreads"] = "1",
            ["Inference__MaxBatchSize"] = "2",
        });
        var (version, served, _) = await ServedVersionAsync(service);
        Assert.Equal(2, served.GetProperty("concurrentBatches").GetInt32());
        Assert.Equal(1, served.GetProperty("intraOpThreads").GetInt32());
        // A thread count other than the shared pool's gets a session pool of its own (one thread: the calling one).
        Assert.Equal("perSession", served.GetProperty("threadPool").GetString());

        // Each image distinct: an answer carrying another batch's or another slot's logits would not match its reference.
        foreach (var (index, logits) in await PredictFromSixteenClientsAsync(service))
        {
            var expected = fixture.Versions[version].Logits(fixture.TestImages.Load(index));
            Assert.All(expected.Zip(logits), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, LogitTolerance));
        }

        // The batch spans show the two workers at work at the same time: some ONNX Runtime calls overlap.
        Assert.True(await OverlappingBatchesAsync(receiver) > 0, "No two inference.batch spans overlap in time.");
    }

    [Fact]
    public async Task With_a_queue_delay_one_worker_fills_a_batch_rather_than_each_taking_a_share()
    {
        await using var service = await fixture.StartServiceAsync(new Dictionary<string, string?>
        {
            [ModelSettings + "ConcurrentBatches"] = "2",
            ["Inference__MaxBatchSize"] = "4",
            ["Inference__MaxQueueDelay"] = "00:00:00.5",
        });
        for (var i = 0; i < 3; i++)
        {
            // Warm-up, so that the timed requests are not held back by the request path's first compilation.
            using var warmUp = await service.Client.PostAsync("/models/fashion-cnn/predict", new ByteArrayContent(fixture.Png(9400 + i)));
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        // Four requests at once and a window of half a second: one worker takes them all, the batch is full and runs at once.
        var sizes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            using var response = await service.Client.PostAsync("/models/fashion-cnn/predict", new ByteArrayContent(fixture.Png(9410 + i)));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("results")[0].GetProperty("batchSize").GetInt32();
        })));

        Assert.Equal([4, 4, 4, 4], sizes);
    }

    [Fact]
    public async Task One_batch_at_a_time_by_default_never_overlaps()
    {
        await using var receiver = OtlpReceiver.Start();
        await using var service = await fixture.StartServiceAsync(new Dictionary<string, string?>(receiver.ExporterEnvironment())
        {
            ["Inference__MaxBatchSize"] = "2",
        });
        var (_, served, status) = await ServedVersionAsync(service);
        Assert.Equal(1, served.GetProperty("concurrentBatches").GetInt32());
        Assert.Equal(status.GetProperty("intraOpThreads").GetInt32(), served.GetProperty("intraOpThreads").GetInt32());
        Assert.Equal(("shared", "shared"), (status.GetProperty("threadPool").GetString(), served.GetProperty("threadPool").GetString()));

        await PredictFromSixteenClientsAsync(service);

        Assert.Equal(0, await OverlappingBatchesAsync(receiver));
    }

    [Fact]
    public async Task Invalid_execution_settings_stop_the_service_at_start_naming_each_broken_rule()
    {
        var start = fixture.StartServiceAsync(new Dictionary<string, string?>
        {
            [ModelSettings + "ConcurrentBatches"] = "0",
            [ModelSettings + "IntraOpThreads"] = "-1",
            ["Inference__ConcurrentBatches"] = "65",
            ["Inference__ThreadPool"] = "7",
        });
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => start);
        Assert.Contains("Inference:ConcurrentBatches must be between 1 and 64.", failure.Message);
        Assert.Contains($"Inference:Models:{InferenceFixture.ModelName}:ConcurrentBatches must be between 1 and 64.", failure.Message);
        Assert.Contains($"Inference:Models:{InferenceFixture.ModelName}:IntraOpThreads must be positive when set.", failure.Message);
        Assert.Contains("Inference:ThreadPool must be Shared or PerSession.", failure.Message);
    }

    /// <summary>The production version, its entry in /status, and the whole status.</summary>
    private async Task<(int Version, JsonElement Served, JsonElement Status)> ServedVersionAsync(ServiceHost service)
    {
        var version = await fixture.ServingVersionAsync(service);
        var status = await service.Client.GetFromJsonAsync<JsonElement>("/status");
        var served = status.GetProperty("models").EnumerateArray().Single().GetProperty("versions").EnumerateArray()
            .Single(v => v.GetProperty("version").GetInt32() == version);
        return (version, served, status);
    }

    /// <summary>Sixteen clients at once, eight distinct test images each (128 in all), one image per request: each image's logits.</summary>
    private async Task<IReadOnlyList<(int Index, float[] Logits)>> PredictFromSixteenClientsAsync(ServiceHost service)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(client => Task.Run(async () =>
        {
            var mine = new List<(int Index, float[] Logits)>();
            for (var i = 0; i < 8; i++)
            {
                var index = 9300 + client * 8 + i;
                using var response = await service.Client.PostAsync("/models/fashion-cnn/predict?logits=true&topK=1", new ByteArrayContent(fixture.Png(index)));
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
                var result = JsonDocument.Parse(body).RootElement.GetProperty("results")[0];
                mine.Add((index, [.. result.GetProperty("logits").EnumerateArray().Select(v => v.GetSingle())]));
            }
            return mine;
        })));
        return [.. answers.SelectMany(a => a)];
    }

    /// <summary>Once the batch spans of the 128 images (in batches of at most 2) are exported: how many start before the previous one ended.</summary>
    private static async Task<int> OverlappingBatchesAsync(OtlpReceiver receiver)
    {
        await receiver.WaitForAsync(r => r.Spans.Count(s => s.Name == "inference.batch") >= 64, TimeSpan.FromSeconds(30), "the batch spans of 128 images in batches of at most 2");
        var batches = receiver.Spans.Where(s => s.Name == "inference.batch").OrderBy(s => s.StartUnixNano).ToList();
        return batches.Zip(batches.Skip(1)).Count(pair => pair.Second.StartUnixNano < pair.First.EndUnixNano);
    }
}
