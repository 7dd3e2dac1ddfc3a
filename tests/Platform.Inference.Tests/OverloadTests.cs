using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Inference.Tests;

[Collection(InferenceCollection.Name)]
public sealed class OverloadTests(InferenceFixture fixture)
{
    [Fact]
    public async Task Flooding_a_tiny_queue_answers_429_with_retry_after_and_the_service_stays_healthy_with_bounded_memory()
    {
        await using var service = await fixture.StartServiceAsync(new Dictionary<string, string?>
        {
            ["Inference__QueueCapacity"] = "8",
            ["Inference__MaxBatchSize"] = "1",
            ["Inference__MaxImagesPerRequest"] = "8",
        });
        var images = Enumerable.Range(9800, 8).Select(fixture.Png).ToList();
        var memoryBefore = await WorkingSetAsync(service);
        var responses = await FloodAsync(service, images, clients: 48, requestsPerClient: 6);

        Assert.All(responses, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{(int)r.Status}: {r.Body}"));
        var rejected = responses.Where(r => r.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(rejected);
        Assert.Contains(responses, r => r.Status == HttpStatusCode.OK);
        Assert.All(rejected, r =>
        {
            Assert.Equal(TimeSpan.FromSeconds(1), r.RetryAfter);
            Assert.Equal("queue_full", JsonDocument.Parse(r.Body).RootElement.GetProperty("reason").GetString());
        });
        using var health = await service.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var memoryAfter = await WorkingSetAsync(service);
        Assert.True(memoryAfter - memoryBefore < 300L * 1024 * 1024, $"Working set grew from {memoryBefore >> 20} MiB to {memoryAfter >> 20} MiB.");
    }

    [Fact]
    public async Task A_request_with_more_images_than_the_queue_holds_answers_413_not_429_on_predict_and_v2_infer()
    {
        await using var service = await fixture.StartServiceAsync(new Dictionary<string, string?>
        {
            ["Inference__QueueCapacity"] = "4",
            ["Inference__MaxImagesPerRequest"] = "8",
        });
        var png = fixture.Png(9810);

        using (var fits = Multipart(Enumerable.Repeat(png, 4)))
        using (var response = await service.Client.PostAsync("/models/fashion-cnn/predict", fits))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        using (var tooMany = Multipart(Enumerable.Repeat(png, 5)))
        using (var response = await service.Client.PostAsync("/models/fashion-cnn/predict", tooMany))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Null(response.Headers.RetryAfter);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal("batch_exceeds_queue", problem.GetProperty("reason").GetString());
            Assert.Contains("4 (Inference:QueueCapacity)", problem.GetProperty("detail").GetString());
        }

        var infer = new { inputs = new[] { new { name = "input", shape = new[] { 5, 1, 28, 28 }, datatype = "FP32", data = new float[5 * 28 * 28] } } };
        using (var response = await service.Client.PostAsJsonAsync("/v2/models/fashion-cnn/infer", infer))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {body}");
            Assert.Null(response.Headers.RetryAfter);
            Assert.Contains("4 (Inference:QueueCapacity)", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task A_request_that_outlives_the_request_timeout_answers_503_with_retry_after()
    {
        await using var service = await fixture.StartServiceAsync(new Dictionary<string, string?>
        {
            ["Inference__RequestTimeout"] = "00:00:00.001",
            ["Inference__MaxBatchSize"] = "1",
        });
        var images = Enumerable.Range(9800, 8).Select(fixture.Png).ToList();
        var responses = await FloodAsync(service, images, clients: 16, requestsPerClient: 2);

        Assert.All(responses, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{(int)r.Status}: {r.Body}"));
        var timedOut = responses.Where(r => r.Status == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(timedOut);
        Assert.All(timedOut, r =>
        {
            Assert.NotNull(r.RetryAfter);
            Assert.Equal("timeout", JsonDocument.Parse(r.Body).RootElement.GetProperty("reason").GetString());
        });
        using var health = await service.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Clients_that_go_away_mid_request_leave_an_empty_queue_and_a_working_service()
    {
        await using var service = await fixture.StartServiceAsync(new Dictionary<string, string?> { ["Inference__MaxBatchSize"] = "1" });
        var images = Enumerable.Range(9800, 8).Select(fixture.Png).ToList();
        var abandoned = Enumerable.Range(0, 32).Select(async _ =>
        {
            using var form = new MultipartFormDataContent();
            foreach (var image in images)
            {
                form.Add(new ByteArrayContent(image), "images", "image.png");
            }
            using var gone = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
            try
            {
                using var response = await service.Client.PostAsync("/models/fashion-cnn/predict", form, gone.Token);
                return response.StatusCode;
            }
            catch (OperationCanceledException)
            {
                return (HttpStatusCode)499;
            }
        }).ToList();
        var outcomes = await Task.WhenAll(abandoned);
        Assert.Contains((HttpStatusCode)499, outcomes);
        Assert.All(outcomes, status => Assert.True(status is HttpStatusCode.OK or (HttpStatusCode)499, $"{(int)status}"));

        await service.PollAsync("/status", status => status.GetProperty("models")[0].GetProperty("versions").EnumerateArray()
            .All(version => version.GetProperty("queueDepth").GetInt32() == 0), TimeSpan.FromSeconds(30));
        using var content = new ByteArrayContent(images[0]);
        using var after = await service.Client.PostAsync("/models/fashion-cnn/predict", content);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static async Task<List<(HttpStatusCode Status, TimeSpan? RetryAfter, string Body)>> FloodAsync(ServiceHost service, List<byte[]> images, int clients, int requestsPerClient)
    {
        var all = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var mine = new List<(HttpStatusCode, TimeSpan?, string)>();
            for (var i = 0; i < requestsPerClient; i++)
            {
                using var form = new MultipartFormDataContent();
                foreach (var image in images)
                {
                    var part = new ByteArrayContent(image);
                    part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                    form.Add(part, "images", "image.png");
                }
                using var response = await service.Client.PostAsync("/models/fashion-cnn/predict", form);
                mine.Add((response.StatusCode, response.Headers.RetryAfter?.Delta, await response.Content.ReadAsStringAsync()));
            }
            return mine;
        })));
        return [.. all.SelectMany(r => r)];
    }

    internal static MultipartFormDataContent Multipart(IEnumerable<byte[]> images)
    {
        var form = new MultipartFormDataContent();
        foreach (var image in images)
        {
            var part = new ByteArrayContent(image);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, "images", "image.png");
        }
        return form;
    }

    private static async Task<long> WorkingSetAsync(ServiceHost service) =>
        (await service.Client.GetFromJsonAsync<JsonElement>("/status")).GetProperty("workingSetBytes").GetInt64();
}
