namespace Platform.Contracts.Models;

/// <summary>The body of <c>PUT /models/{name}/aliases/{alias}/shadow</c>: the version that gets a copy of the alias's requests.</summary>
public sealed record SetShadowRequest(int? Version);
