namespace Platform.Ingest.Apis;

public sealed record WiringProbeAccepted(Guid ProbeId, string BlobContainer, string BlobName);
