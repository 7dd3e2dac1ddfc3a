using System.Globalization;

namespace Platform.Otlp;

/// <summary>OTLP span status codes (opentelemetry-proto trace.proto, Status.StatusCode).</summary>
public enum SpanStatusCode
{
    Unset = 0,
    Ok = 1,
    Error = 2,
}

/// <summary>OTLP span kinds (opentelemetry-proto trace.proto, Span.SpanKind).</summary>
public enum SpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// <summary>
/// An OTLP span as exported. Ids are lower-case hex; <see cref="Scope"/> is the instrumentation scope (activity source)
/// that made it. Attribute values are <see cref="string"/>, <see cref="bool"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="byte"/>[], <c>object?[]</c> (arrays) or <c>IReadOnlyDictionary&lt;string, object?&gt;</c> (key-value lists),
/// as OTLP's AnyValue allows.
/// </summary>
public sealed record OtlpSpan(
    string Scope,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    SpanKind Kind,
    ulong StartUnixNano,
    ulong EndUnixNano,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyList<OtlpSpanEvent> Events,
    IReadOnlyList<OtlpSpanLink> Links,
    SpanStatusCode Status,
    string? StatusMessage)
{
    /// <summary>The attribute as invariant text, or null when the span does not carry it.</summary>
    public string? Attribute(string key) => OtlpAttributes.Text(Attributes, key);
}

public sealed record OtlpSpanEvent(string Name, ulong TimeUnixNano, IReadOnlyDictionary<string, object?> Attributes);

public sealed record OtlpSpanLink(string TraceId, string SpanId);

public enum OtlpMetricKind
{
    Gauge,
    Sum,
    Histogram,
    ExponentialHistogram,
    Summary,
}

/// <summary>One exported metric stream: its instrument scope (meter), name, unit, kind and data points.</summary>
public sealed record OtlpMetric(string Scope, string Name, string Unit, OtlpMetricKind Kind, IReadOnlyList<OtlpDataPoint> Points);

/// <summary>
/// One data point. Gauges and sums carry <see cref="Value"/>; histograms carry <see cref="Count"/>, <see cref="Sum"/> and, for
/// explicit-bucket histograms, <see cref="ExplicitBounds"/> and <see cref="BucketCounts"/> (one more count than bounds).
/// Exponential histograms and summaries are recognised by kind but their points are not read.
/// </summary>
public sealed record OtlpDataPoint(IReadOnlyDictionary<string, object?> Attributes, double? Value, ulong? Count, double? Sum,
    IReadOnlyList<double> ExplicitBounds, IReadOnlyList<ulong> BucketCounts)
{
    public string? Attribute(string key) => OtlpAttributes.Text(Attributes, key);
}

internal static class OtlpAttributes
{
    public static string? Text(IReadOnlyDictionary<string, object?> attributes, string key) =>
        attributes.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
}

/// <summary>An OTLP body that is not a valid export request.</summary>
public sealed class OtlpFormatException(string message, Exception? inner = null) : Exception(message, inner);
