using Platform.Contracts;
using Platform.Contracts.Models;

namespace Platform.Tracker.Registry;

/// <summary>The rules of an alias's route (weights, versions, shadow), how a change is named in the history, and the event it publishes.</summary>
public static class AliasRoutes
{
    /// <summary>Most versions one alias may split between: a canary and an A/B/n test fit; more is a mistake.</summary>
    public const int MaxSplitVersions = 10;

    /// <summary>What is wrong with a split (weights, duplicates, versions the model does not have); empty when it is valid.</summary>
    public static IEnumerable<string> SplitProblems(IReadOnlyList<VersionWeight> split, RegisteredModel model)
    {
        if (split.Count is 0 or > MaxSplitVersions)
        {
            yield return $"A split names 1 to {MaxSplitVersions} versions; this one names {split.Count}.";
            yield break;
        }
        foreach (var share in split.Where(s => s.Weight is < 1 or > 100))
        {
            yield return $"Version {share.Version} has weight {share.Weight}; each weight is a percentage from 1 to 100.";
        }
        if (split.Sum(s => s.Weight) is var total && total != 100)
        {
            yield return $"The weights sum to {total}; they must sum to 100.";
        }
        foreach (var duplicate in split.GroupBy(s => s.Version).Where(g => g.Count() > 1))
        {
            yield return $"Version {duplicate.Key} is named {duplicate.Count()} times.";
        }
        foreach (var unknown in split.Where(s => model.Versions.All(v => v.Version != s.Version)).Select(s => s.Version).Distinct())
        {
            yield return $"Model '{model.Name}' has no version {unknown} (it has {string.Join(", ", model.Versions.Select(v => v.Version))}).";
        }
    }

    /// <summary>
    /// How the history names a change from <paramref name="before"/> to <paramref name="after"/>: several versions are a split; one
    /// version is a rollback when it is the stable (largest) share of the split it ends, or older than the single version it replaces,
    /// and a promotion otherwise (a new version, or the canary taking all the traffic).
    /// </summary>
    public static string ActionOf(AliasRoute? before, AliasRoute after)
    {
        if (after.Versions.Count > 1)
        {
            return "split";
        }
        var version = after.Versions[0].Version;
        return before switch
        {
            { Versions.Count: > 1 } when ModelRegistry.PrimaryVersion(before) == version => "rollback",
            { Versions: [var single] } when single.Version > version => "rollback",
            _ => "promote",
        };
    }

    /// <summary>The event that tells every inference replica the alias's whole route.</summary>
    public static ModelPromoted Promotion(RegisteredModel model, string alias, AliasRoute route, DateTimeOffset at)
    {
        ModelVersion Version(int number) => model.Versions.Single(v => v.Version == number);
        var primary = Version(ModelRegistry.PrimaryVersion(route));
        return new ModelPromoted(model.Name, primary.Version, alias, primary.RunId, primary.PackageUri, at,
            route.Versions.Count > 1 ? [.. route.Versions.Select(v => new TrafficShare(v.Version, Version(v.Version).RunId, v.Weight))] : null,
            route.Shadow is { } shadow ? new ShadowVersion(shadow, Version(shadow).RunId) : null);
    }
}
