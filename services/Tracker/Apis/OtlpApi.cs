using System.IO.Compression;
using Google.Protobuf;
using Platform.Otlp;
using Platform.Tracker.Otlp;
using Platform.Tracker.Runs;
using StackExchange.Redis;

namespace Platform.Tracker.Apis;

/// <summary>
/// The OTLP/HTTP trace receiver (protobuf or JSON, optionally gzip). It answers 200 only after Redis has stored the
/// batch, 400 for a body that is not OTLP (the exporter must not retry it), and 503 with Retry-After when Redis is
/// unreachable, which OTLP exporters retry, so an outage loses nothing.
/// </summary>
public static class OtlpApi
{
    public const string ProtobufContentType = "application/x-protobuf";
    private const long MaxBodyBytes = 64 * 1024 * 1024;

    public static IEndpointConventionBuilder MapOtlpApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/traces", ReceiveTraces)
            .WithName("ReceiveOtlpTraces")
            .WithTags("OTLP")
            .WithSummary("OTLP/HTTP trace export (application/x-protobuf or application/json, Content-Encoding: gzip allowed)")
            .WithDescription("Spans carrying platform.run_id are recorded as training runs; see docs/tracking-conventions.md.")
            .DisableAntiforgery();

    public static async Task<IResult> ReceiveTraces(HttpContext context, RunStore store, CurveReader curves, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var json = request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
        IReadOnlyList<OtlpSpan> spans;
        try
        {
            var body = await ReadBodyAsync(request, cancellationToken);
            spans = json ? OtlpJsonReader.ReadTraces(body) : OtlpProtobufReader.ReadTraces(body);
        }
        catch (Exception exception) when (exception is OtlpFormatException or InvalidDataException or BadHttpRequestException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Undecodable OTLP request", detail: exception.Message);
        }

        var batch = TrainingTelemetryMapper.Map(spans);
        try
        {
            foreach (var run in batch.Runs)
            {
                curves.Observe(await store.ApplyAsync(run));
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            loggers.CreateLogger(typeof(OtlpApi)).LogWarning(exception, "Could not store an OTLP batch; the exporter is asked to retry");
            context.Response.Headers.RetryAfter = "2";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Run store unavailable",
                detail: "Redis did not accept the batch; retry later.");
        }
        var response = ExportResponse(batch.RejectedSpans, batch.RejectionMessage);
        return json
            ? TypedResults.Json(batch.RejectedSpans == 0 ? new { } : (object)new { partialSuccess = new { rejectedSpans = batch.RejectedSpans, errorMessage = batch.RejectionMessage } })
            : TypedResults.Bytes(response, ProtobufContentType);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var gzip = request.Headers.ContentEncoding.Any(e => string.Equals(e, "gzip", StringComparison.OrdinalIgnoreCase));
        await using var source = gzip ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new InvalidDataException($"The (decompressed) OTLP body exceeds {MaxBodyBytes / (1024 * 1024)} MiB; export smaller batches.");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>ExportTraceServiceResponse: empty on full success, else partial_success (1) {rejected_spans (1), error_message (2)}.</summary>
    public static byte[] ExportResponse(int rejectedSpans, string? errorMessage)
    {
        if (rejectedSpans == 0)
        {
            return [];
        }
        using var partial = new MemoryStream();
        var inner = new CodedOutputStream(partial);
        inner.WriteTag(1, WireFormat.WireType.Varint);
        inner.WriteInt64(rejectedSpans);
        inner.WriteTag(2, WireFormat.WireType.LengthDelimited);
        inner.WriteString(errorMessage ?? "");
        inner.Flush();
        using var output = new MemoryStream();
        var outer = new CodedOutputStream(output);
        outer.WriteTag(1, WireFormat.WireType.LengthDelimited);
        outer.WriteBytes(ByteString.CopyFrom(partial.ToArray()));
        outer.Flush();
        return output.ToArray();
    }
}
