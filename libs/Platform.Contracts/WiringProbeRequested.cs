namespace Platform.Contracts;

/// <summary>
/// Command broadcast to every service: read the blob the requester wrote and answer. It proves, end to
/// end, that the broker, blob storage and (through the tracker) Redis are wired for the whole suite.
/// </summary>
public sealed record WiringProbeRequested(
    Guid ProbeId,
    string RequestedBy,
    string BlobContainer,
    string BlobName,
    string ContentSha256,
    DateTimeOffset RequestedAt);
