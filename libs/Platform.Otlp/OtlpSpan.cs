namespace Platform.Otlp;

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
