namespace Platform.Otlp;

/// <summary>An OTLP body that is not a valid export request.</summary>
public sealed class OtlpFormatException(string message, Exception? inner = null) : Exception(message, inner);
