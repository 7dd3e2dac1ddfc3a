using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Tests;

public sealed class TracingDefaultsTests
{
    private const string AspNetCore = "Microsoft.AspNetCore";

    [Fact]
    public async Task Probes_and_reads_without_a_trace_context_start_no_trace_while_writes_and_reads_inside_a_trace_do()
    {
        await using var app = await TestApp.StartAsync(map: MapItems);

        (await app.Client.GetAsync("/health")).Dispose();
        (await app.Client.GetAsync("/alive")).Dispose();
        (await app.Client.GetAsync("/items/polled")).Dispose();
        (await app.Client.PostAsync("/v1/traces", new ByteArrayContent([]))).Dispose();
        using (var traced = new HttpRequestMessage(HttpMethod.Get, "/items/traced"))
        {
            traced.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            (await app.Client.SendAsync(traced)).Dispose();
        }
        (await app.Client.PostAsync("/items/written", new StringContent("x"))).Dispose();
        await app.Spans.WaitForAsync(span => span.Tag("url.path") == "/items/written");

        var paths = app.Spans.Recorded.Where(span => span.Source == AspNetCore).Select(span => span.Tag("url.path")).Order().ToList();
        Assert.Equal(["/items/traced", "/items/written"], paths);
    }

    [Fact]
    public async Task Telemetry_TraceReads_traces_reads_without_a_trace_context_again_but_never_probes()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { [Extensions.TraceReadsKey] = "true" }, map: MapItems);

        (await app.Client.GetAsync("/health")).Dispose();
        (await app.Client.GetAsync("/items/polled")).Dispose();
        (await app.Client.PostAsync("/items/written", new StringContent("x"))).Dispose();
        await app.Spans.WaitForAsync(span => span.Tag("url.path") == "/items/written");

        var paths = app.Spans.Recorded.Where(span => span.Source == AspNetCore).Select(span => span.Tag("url.path")).Order().ToList();
        Assert.Equal(["/items/polled", "/items/written"], paths);
    }

    [Fact]
    public async Task Blob_storage_not_found_already_exists_and_condition_not_met_are_not_span_errors_but_other_failures_are()
    {
        await using var app = await TestApp.StartAsync(map: MapFakeBlobStorage);
        var port = app.Address.Port.ToString();
        var blobs = new BlobServiceClient(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"BlobEndpoint={app.Address}devstoreaccount1;",
            new BlobClientOptions { Retry = { MaxRetries = 0 } });
        var container = blobs.GetBlobContainerClient("runs");
        var blob = container.GetBlobClient("lease.json");

        Assert.False((await blob.ExistsAsync()).Value);
        Assert.Null(await container.CreateIfNotExistsAsync());
        var conflict = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("{}"),
            new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag("\"stale\"") } }));
        var denied = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DownloadContentAsync());
        using (var traced = new HttpClient { BaseAddress = app.Address })
        {
            (await traced.GetAsync("/not-storage")).Dispose();
        }

        var clientSpans = app.Spans.Recorded.Where(span => span.Kind == ActivityKind.Client && span.Tag("server.port") == port).ToList();
        ActivityStatusCode StatusOf(string code) => Assert.Single(clientSpans,
            span => span.Tag("url.full")?.Contains("/devstoreaccount1/", StringComparison.Ordinal) == true && span.Tag("http.response.status_code") == code).Status;
        Assert.Equal(412, conflict.Status);
        Assert.Equal(403, denied.Status);
        Assert.Equal(ActivityStatusCode.Unset, StatusOf("404"));
        Assert.Equal(ActivityStatusCode.Unset, StatusOf("409"));
        Assert.Equal(ActivityStatusCode.Unset, StatusOf("412"));
        Assert.Equal(ActivityStatusCode.Error, StatusOf("403"));
        // The same 404 from anything but Azure Storage stays an error.
        var other = Assert.Single(clientSpans, span => span.Tag("url.full")?.EndsWith("/not-storage", StringComparison.Ordinal) == true);
        Assert.Equal(ActivityStatusCode.Error, other.Status);
    }

    private static void MapItems(WebApplication app)
    {
        app.MapGet("/items/{name}", (string name) => name);
        app.MapPost("/items/{name}", (string name) => name);
        app.MapPost("/v1/traces", () => TypedResults.Ok());
    }

    /// <summary>Answers as Azure Storage does to a missing blob, an existing container, a stale ETag and a forbidden read.</summary>
    private static void MapFakeBlobStorage(WebApplication app)
    {
        app.Map("/devstoreaccount1/{**path}", (HttpContext context) =>
        {
            var request = context.Request;
            var (status, code) = request.Method switch
            {
                "HEAD" => (StatusCodes.Status404NotFound, "BlobNotFound"),
                "PUT" when request.Query["restype"] == "container" => (StatusCodes.Status409Conflict, "ContainerAlreadyExists"),
                "PUT" when request.Headers.IfMatch.Count > 0 => (StatusCodes.Status412PreconditionFailed, "ConditionNotMet"),
                _ => (StatusCodes.Status403Forbidden, "AuthorizationFailure"),
            };
            context.Response.Headers["x-ms-error-code"] = code;
            context.Response.StatusCode = status;
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        });
        app.MapGet("/not-storage", () => TypedResults.NotFound());
    }
}
