namespace Platform.Contracts.Models;

/// <summary>
/// One entry of a model's alias history (<c>GET /models/{name}/history</c>): what the alias routed to from <paramref name="ChangedAt"/>.
/// </summary>
/// <param name="Action">
/// <c>promote</c> (one version, a new one or the canary taking all traffic), <c>split</c> (several versions), <c>rollback</c> (back to
/// one version the alias served before: the stable version of a split, or an older version), <c>shadow</c> or <c>unshadow</c>.
/// </param>
public sealed record AliasChange(string Alias, string Action, AliasRoute Route, DateTimeOffset ChangedAt);
