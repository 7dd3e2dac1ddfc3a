namespace Platform.Contracts;

/// <summary>Event: an alias (such as <c>production</c>) now points at a model version.</summary>
public sealed record ModelPromoted(
    string ModelName,
    int Version,
    string Alias,
    Guid RunId,
    string PackageUri,
    DateTimeOffset PromotedAt);
