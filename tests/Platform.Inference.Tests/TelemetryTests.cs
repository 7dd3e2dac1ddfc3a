using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Platform.Otlp;
using Platform.Testing;
using Platform.Testing.Otlp;

namespace Platform.Inference.Tests;

/// <summary>
/// The service as deployed, exporting through ServiceDefaults' OTLP exporter (switched on by OTEL_EXPORTER_OTLP_ENDPOINT) to a
/// collector the test hosts, so what is asserted is what an operator's backend would receive.
/// </summary>
[Collection(InferenceCollection.Name)]
public sealed class TelemetryTests(InferenceFixture fixture)
{
    private const string Scope = "Platform.Inference";
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Predictions_and_a_full_queue_export_latency_batch_queue_and_rejection_metrics_and_a_predict_span_per_request()
    {
        await using var receiver = OtlpReceiver.Start();
        await using var service = await fixture.StartServiceAsync(new Dictionary<string, string?>(receiver.ExporterEnvironment())
        {
            ["Inference__QueueCapacity"] = "8",
            ["Inference__MaxBatchSize"] = "1",
            ["Inference__MaxImagesPerRequest"] = "8",
        });
        var version = (await fixture.ServingVersionAsync(service)).ToString();
        var requests = new List<Request>();
        for (var i = 0; i < 6; i++)
        {
            requests.Add(await PredictAsync(service, [fixture.Png(9700 + i)]));
        }
        // Eight clients at once, each with eight images, against a queue of eight: some must be refused.
        var images = Enumerable.Range(9710, 8).Select(fixture.Png).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!requests.Any(r => r.Status == HttpStatusCode.TooManyRequests))
        {
            Assert.True(DateTime.UtcNow < deadline, "No request was refused with 429 within a minute.");
            requests.AddRange(await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PredictAsync(service, images))));
        }
        Assert.All(requests, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{(int)r.Status}"));
        using (var unknown = await service.Client.PostAsync("/models/no-such-model/predict", new ByteArrayContent(fixture.Png(9720))))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        var served = requests.Where(r => r.Status == HttpStatusCode.OK).ToList();
        var refused = requests.Count - served.Count;
        var imagesServed = served.Sum(r => r.Images);

        await receiver.WaitForAsync(r => Count(r, "platform.inference.request.duration") >= requests.Count
                && Count(r, "platform.inference.request.duration", ("outcome", "ok")) >= served.Count
                && Count(r, "platform.inference.request.duration", ("outcome", "queue_full")) >= refused
                && Count(r, "platform.inference.batch.size", ("version", version)) >= imagesServed
                && Count(r, "platform.inference.batch.duration", ("version", version)) >= imagesServed
                && Points(r, "platform.inference.queue.depth").Any(p => p.Attribute("version") == version)
                && Points(r, "platform.inference.rejections").Where(p => p.Attribute("reason") == "queue_full").Sum(p => p.Value) >= refused
                && Points(r, "platform.inference.rejections").Any(p => p.Attribute("reason") == "unknown_model")
                // Per version: requests by outcome, latency, and one top-1 label per image served.
                && Points(r, "platform.inference.version.requests").Where(p => p.Attribute("version") == version && p.Attribute("outcome") == "ok").Sum(p => p.Value) >= served.Count
                && Points(r, "platform.inference.version.requests").Where(p => p.Attribute("version") == version && p.Attribute("outcome") == "queue_full").Sum(p => p.Value) >= refused
                && Count(r, "platform.inference.version.duration", ("version", version)) >= requests.Count
                && Points(r, "platform.inference.version.predictions").Where(p => p.Attribute("version") == version).Sum(p => p.Value) >= imagesServed,
            ExportWait, $"request.duration for {requests.Count} requests ({refused} refused), batch size and duration for {imagesServed} batches of one, "
                + $"a queue depth for version {version}, {refused} queue_full rejections and one unknown_model, and the same per version");

        var metrics = receiver.MetricExports[^1].Where(m => m.Scope == Scope).ToDictionary(m => m.Name);
        Assert.Equal((OtlpMetricKind.Histogram, "s"), (metrics["platform.inference.request.duration"].Kind, metrics["platform.inference.request.duration"].Unit));
        Assert.Equal(OtlpMetricKind.Histogram, metrics["platform.inference.batch.size"].Kind);
        Assert.Equal(new double[] { 1, 2, 4, 8, 16, 32, 64, 128 }, metrics["platform.inference.batch.size"].Points[0].ExplicitBounds);
        Assert.Equal(OtlpMetricKind.Gauge, metrics["platform.inference.queue.depth"].Kind);
        Assert.Equal(OtlpMetricKind.Sum, metrics["platform.inference.rejections"].Kind);
        // A name from a request path that no promotion introduced is not a time series of its own.
        Assert.Equal("unknown", Assert.Single(metrics["platform.inference.rejections"].Points, p => p.Attribute("reason") == "unknown_model").Attribute("model"));
        Assert.All(metrics.Values.SelectMany(m => m.Points).Where(p => p.Attribute("reason") != "unknown_model" && p.Attribute("outcome") != "unknown_model"),
            p => Assert.Equal(InferenceFixture.ModelName, p.Attribute("model")));

        // One inference.predict span per request, in the request's own trace, under the ASP.NET Core server span.
        await receiver.WaitForAsync(r => requests.All(request => r.Spans.Any(s => s.TraceId == request.TraceId && s.Name == "inference.predict")),
            ExportWait, $"an inference.predict span in each of {requests.Count} traces");
        var spans = receiver.Spans;
        foreach (var request in requests)
        {
            var trace = spans.Where(s => s.TraceId == request.TraceId).ToList();
            var predict = Assert.Single(trace, s => s.Name == "inference.predict");
            Assert.Equal(Scope, predict.Scope);
            Assert.Equal(InferenceFixture.ModelName, predict.Attribute("inference.model"));
            Assert.Equal(version, predict.Attribute("inference.version"));
            Assert.Equal(request.Images.ToString(), predict.Attribute("inference.images"));
            var server = Assert.Single(trace, s => s.SpanId == predict.ParentSpanId);
            Assert.Equal(SpanKind.Server, server.Kind);
            Assert.Equal(request.Status == HttpStatusCode.OK ? SpanStatusCode.Unset : SpanStatusCode.Error, predict.Status);
        }

        // A batch serves several requests, so its span belongs to none of their traces: it links to the predict span of each.
        await receiver.WaitForAsync(r => served.All(request => r.Spans.Any(s => s.Name == "inference.batch" && s.Links.Any(l => l.TraceId == request.TraceId))),
            ExportWait, $"inference.batch spans linked to each of {served.Count} served requests");
        foreach (var request in served)
        {
            var predict = spans.Single(s => s.TraceId == request.TraceId && s.Name == "inference.predict");
            var batches = receiver.Spans.Where(s => s.Name == "inference.batch" && s.Links.Any(l => l.SpanId == predict.SpanId)).ToList();
            Assert.Equal(request.Images, batches.Count);
            Assert.All(batches, batch =>
            {
                Assert.Null(batch.ParentSpanId);
                Assert.Equal("1", batch.Attribute("inference.batch_size"));
                Assert.Equal(version, batch.Attribute("inference.version"));
            });
        }
    }

    private sealed record Request(string TraceId, HttpStatusCode Status, int Images);

    /// <summary>Posts the images with a W3C traceparent of its own, so the request's spans can be told apart from the others'.</summary>
    private static async Task<Request> PredictAsync(ServiceHost service, IReadOnlyList<byte[]> images)
    {
        using var form = new MultipartFormDataContent();
        foreach (var image in images)
        {
            var part = new ByteArrayContent(image);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, "images", "image.png");
        }
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var message = new HttpRequestMessage(HttpMethod.Post, "/models/fashion-cnn/predict") { Content = form };
        message.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await service.Client.SendAsync(message);
        return new Request(traceId, response.StatusCode, images.Count);
    }

    /// <summary>The data points of a Platform.Inference metric in the latest export that has it (cumulative: the totals so far).</summary>
    private static IEnumerable<OtlpDataPoint> Points(OtlpReceiver receiver, string name) =>
        receiver.MetricExports.LastOrDefault(export => export.Any(m => m.Scope == Scope && m.Name == name))?
            .Where(m => m.Scope == Scope && m.Name == name).SelectMany(m => m.Points) ?? [];

    private static long Count(OtlpReceiver receiver, string name, params (string Key, string Value)[] attributes) =>
        Points(receiver, name).Where(p => attributes.All(a => p.Attribute(a.Key) == a.Value)).Sum(p => (long)(p.Count ?? 0));
}
