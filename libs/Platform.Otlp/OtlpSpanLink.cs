namespace Platform.Otlp;

public sealed record OtlpSpanLink(string TraceId, string SpanId);
