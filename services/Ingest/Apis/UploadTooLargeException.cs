namespace Platform.Ingest.Apis;

public sealed class UploadTooLargeException(long limit) : Exception($"The upload is larger than {limit} bytes (Ingest:MaxUploadBytes).")
{
    public long Limit { get; } = limit;
}
