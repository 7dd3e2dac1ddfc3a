namespace Platform.Ingest.Sources;

/// <summary>The upload as a whole cannot be ingested (not an archive, an archive over its limits…).</summary>
public sealed class UploadRejectedException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
