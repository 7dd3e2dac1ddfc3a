namespace Platform.Contracts.Models;

/// <summary>The body of <c>PUT /models/{name}/aliases/{alias}</c>: the version the alias should point at.</summary>
public sealed record SetAliasRequest(int? Version);
