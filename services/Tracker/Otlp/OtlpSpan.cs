namespace Platform.Tracker.Otlp;

/// <summary>OTLP span status codes (opentelemetry-proto trace.proto, Status.StatusCode).</summary>
public enum SpanStatusCode
{
    Unset = 0,
    Ok = 1,
    Error = 2,
}

/// <summary>
/// The parts of an OTLP span the tracker reads. Attribute values are <see cref="string"/>, <see cref="bool"/>,
/// <see cref="long"/>, <see cref="double"/>, <see cref="byte"/>[], <c>object?[]</c> (arrays) or
/// <c>IReadOnlyDictionary&lt;string, object?&gt;</c> (key-value lists), as OTLP's AnyValue allows.
/// </summary>
public sealed record OtlpSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    ulong StartUnixNano,
    ulong EndUnixNano,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyList<OtlpSpanEvent> Events,
    SpanStatusCode Status,
    string? StatusMessage);

public sealed record OtlpSpanEvent(string Name, ulong TimeUnixNano, IReadOnlyDictionary<string, object?> Attributes);

/// <summary>An OTLP body that is not a valid ExportTraceServiceRequest.</summary>
public sealed class OtlpFormatException(string message, Exception? inner = null) : Exception(message, inner);
