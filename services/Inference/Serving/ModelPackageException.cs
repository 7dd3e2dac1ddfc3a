namespace Platform.Inference.Serving;

/// <summary>A package that cannot be served: missing, incomplete (no index yet) or inconsistent.</summary>
public sealed class ModelPackageException(string message, Exception? inner = null) : Exception(message, inner);
