namespace Platform.Contracts.Models;

/// <summary>
/// The body of <c>PUT /models/{name}/aliases/{alias}</c>: the version the alias should point at (<c>{"version": 3}</c>), or the
/// versions it splits its traffic between (<c>{"versions": [{"version": 3, "weight": 90}, {"version": 4, "weight": 10}]}</c>,
/// weights summing to 100). Exactly one of the two.
/// </summary>
public sealed record SetAliasRequest(int? Version, IReadOnlyList<VersionWeight>? Versions = null);
