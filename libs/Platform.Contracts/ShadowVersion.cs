namespace Platform.Contracts;

/// <summary>The version an alias mirrors its requests to, compared with the answers but never answering.</summary>
public sealed record ShadowVersion(int Version, Guid RunId);
