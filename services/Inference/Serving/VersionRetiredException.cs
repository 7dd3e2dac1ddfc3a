namespace Platform.Inference.Serving;

/// <summary>The version was retired after the caller chose it: the caller resolves the model again.</summary>
public sealed class VersionRetiredException(string message) : Exception(message);
