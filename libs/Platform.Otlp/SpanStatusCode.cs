namespace Platform.Otlp;

/// <summary>OTLP span status codes (opentelemetry-proto trace.proto, Status.StatusCode).</summary>
public enum SpanStatusCode
{
    Unset = 0,
    Ok = 1,
    Error = 2,
}
