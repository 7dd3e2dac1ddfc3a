namespace Platform.Contracts;

/// <summary>One service's answer to a <see cref="WiringProbeRequested"/>.</summary>
public sealed record WiringProbeAnswered(
    Guid ProbeId,
    string Service,
    bool BlobVerified,
    string Detail,
    DateTimeOffset AnsweredAt);
