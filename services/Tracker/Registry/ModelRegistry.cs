using Platform.Contracts.ModelPackages;
using System.Globalization;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Models;
using StackExchange.Redis;

namespace Platform.Tracker.Registry;

/// <summary>
/// Model versions and aliases in Redis. A version is assigned once per (model, run): a redelivered ModelTrained finds
/// the version it created the first time. An alias is stored twice: its primary version (what <see cref="ModelVersion.Aliases"/> and
/// clients that know no splits read) and its whole route (weighted versions and shadow); every change of a route is appended to the
/// model's alias history in the same transaction.
/// </summary>
public sealed class ModelRegistry(IConnectionMultiplexer redis, TimeProvider time)
{
    private static readonly RedisKey Models = "tracker:models";
    private static RedisKey VersionsKey(string model) => $"tracker:model:{model}:versions";
    private static RedisKey ByRunKey(string model) => $"tracker:model:{model}:by-run";
    private static RedisKey AliasesKey(string model) => $"tracker:model:{model}:aliases";
    private static RedisKey RoutesKey(string model) => $"tracker:model:{model}:routes";
    private static RedisKey HistoryKey(string model) => $"tracker:model:{model}:alias-history";

    private static readonly LuaScript RegisterScript = LuaScript.Prepare("""
        local existing = redis.call('HGET', @byRun, @runId)
        if existing then return tonumber(existing) end
        local version = redis.call('HLEN', @versions) + 1
        redis.call('HSET', @versions, version, @entry)
        redis.call('HSET', @byRun, @runId, version)
        redis.call('ZADD', @models, 'NX', @now, @model)
        return version
        """);

    private sealed record StoredVersion(Guid RunId, string PackageUri, string DatasetName, int DatasetVersion,
        IReadOnlyDictionary<string, double> Metrics, DateTimeOffset TrainedAt, ModelPackageParity? Parity = null);

    /// <summary>Registers the model a run produced; returns its version number (the same one every time for that run).</summary>
    public async Task<int> RegisterAsync(ModelTrained trained)
    {
        var entry = JsonSerializer.Serialize(new StoredVersion(trained.RunId, trained.PackageUri, trained.DatasetName, trained.DatasetVersion,
            trained.Metrics, trained.TrainedAt, trained.Parity), JsonSerializerOptions.Web);
        var result = await redis.GetDatabase().ScriptEvaluateAsync(RegisterScript, new
        {
            byRun = ByRunKey(trained.ModelName),
            versions = VersionsKey(trained.ModelName),
            models = Models,
            runId = trained.RunId.ToString("D"),
            entry,
            model = trained.ModelName,
            now = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });
        return (int)result;
    }

    /// <summary>The version a run produced, or null when it produced none (yet).</summary>
    public async Task<int?> VersionOfRunAsync(string model, Guid runId) =>
        (int?)await redis.GetDatabase().HashGetAsync(ByRunKey(model), runId.ToString("D"));

    public async Task<IReadOnlyList<string>> ListModelNamesAsync() =>
        (await redis.GetDatabase().SortedSetRangeByRankAsync(Models)).Select(v => v.ToString()).ToList();

    public async Task<RegisteredModel?> GetAsync(string name)
    {
        var database = redis.GetDatabase();
        var versionsTask = database.HashGetAllAsync(VersionsKey(name));
        var aliasesTask = database.HashGetAllAsync(AliasesKey(name));
        var routesTask = database.HashGetAllAsync(RoutesKey(name));
        var (versions, aliases, routes) = (await versionsTask, await aliasesTask, await routesTask);
        if (versions.Length == 0)
        {
            return null;
        }
        var aliasMap = aliases.ToDictionary(a => a.Name.ToString(), a => (int)a.Value, StringComparer.Ordinal);
        var routeMap = aliasMap.ToDictionary(a => a.Key, a => RouteOf(routes, a.Key, a.Value), StringComparer.Ordinal);
        var list = versions.Select(v =>
        {
            var number = (int)v.Name;
            var stored = JsonSerializer.Deserialize<StoredVersion>(v.Value.ToString(), JsonSerializerOptions.Web)!;
            return new ModelVersion(name, number, stored.RunId, stored.PackageUri, stored.DatasetName, stored.DatasetVersion, stored.Metrics,
                stored.TrainedAt, aliasMap.Where(a => a.Value == number).Select(a => a.Key).Order(StringComparer.Ordinal).ToList(), stored.Parity);
        }).OrderBy(v => v.Version).ToList();
        return new RegisteredModel(name, list, aliasMap, routeMap);
    }

    /// <summary>
    /// Points the alias at <paramref name="route"/> and records the change in the history, all or nothing (one MULTI/EXEC).
    /// </summary>
    public async Task SetRouteAsync(string name, string alias, AliasRoute route, string action, DateTimeOffset at)
    {
        var transaction = redis.GetDatabase().CreateTransaction();
        var change = JsonSerializer.Serialize(new AliasChange(alias, action, route, at), JsonSerializerOptions.Web);
        _ = transaction.HashSetAsync(AliasesKey(name), alias, PrimaryVersion(route));
        _ = transaction.HashSetAsync(RoutesKey(name), alias, JsonSerializer.Serialize(route, JsonSerializerOptions.Web));
        _ = transaction.ListRightPushAsync(HistoryKey(name), change);
        if (!await transaction.ExecuteAsync())
        {
            throw new InvalidOperationException($"The route of {name}@{alias} was not stored.");
        }
    }

    /// <summary>Every change of the model's aliases, oldest first.</summary>
    public async Task<IReadOnlyList<AliasChange>> HistoryAsync(string name) =>
        [.. (await redis.GetDatabase().ListRangeAsync(HistoryKey(name))).Select(entry => JsonSerializer.Deserialize<AliasChange>(entry.ToString(), JsonSerializerOptions.Web)!)];

    /// <summary>The version with the largest weight, the first one on a tie: the one an alias names where only one can be named.</summary>
    public static int PrimaryVersion(AliasRoute route) => route.Versions.OrderByDescending(v => v.Weight).First().Version;

    // An alias set before routes were stored has only its version: it routes all traffic there.
    private static AliasRoute RouteOf(HashEntry[] routes, string alias, int version) =>
        routes.FirstOrDefault(r => r.Name == alias) is { Value.HasValue: true } stored
            ? JsonSerializer.Deserialize<AliasRoute>(stored.Value.ToString(), JsonSerializerOptions.Web)!
            : new AliasRoute([new VersionWeight(version, 100)], null);
}
