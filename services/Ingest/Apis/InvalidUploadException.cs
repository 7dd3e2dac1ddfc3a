namespace Platform.Ingest.Apis;

public sealed class InvalidUploadException(string message) : Exception(message);
