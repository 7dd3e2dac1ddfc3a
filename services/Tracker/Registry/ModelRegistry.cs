using System.Globalization;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Models;
using StackExchange.Redis;

namespace Platform.Tracker.Registry;

/// <summary>
/// Model versions and aliases in Redis. A version is assigned once per (model, run): a redelivered ModelTrained finds
/// the version it created the first time.
/// </summary>
public sealed class ModelRegistry(IConnectionMultiplexer redis)
{
    private static readonly RedisKey Models = "tracker:models";
    private static RedisKey VersionsKey(string model) => $"tracker:model:{model}:versions";
    private static RedisKey ByRunKey(string model) => $"tracker:model:{model}:by-run";
    private static RedisKey AliasesKey(string model) => $"tracker:model:{model}:aliases";

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
        IReadOnlyDictionary<string, double> Metrics, DateTimeOffset TrainedAt);

    /// <summary>Registers the model a run produced; returns its version number (the same one every time for that run).</summary>
    public async Task<int> RegisterAsync(ModelTrained trained)
    {
        var entry = JsonSerializer.Serialize(new StoredVersion(trained.RunId, trained.PackageUri, trained.DatasetName, trained.DatasetVersion,
            trained.Metrics, trained.TrainedAt), JsonSerializerOptions.Web);
        var result = await redis.GetDatabase().ScriptEvaluateAsync(RegisterScript, new
        {
            byRun = ByRunKey(trained.ModelName),
            versions = VersionsKey(trained.ModelName),
            models = Models,
            runId = trained.RunId.ToString("D"),
            entry,
            model = trained.ModelName,
            now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });
        return (int)result;
    }

    public async Task<IReadOnlyList<string>> ListModelNamesAsync() =>
        (await redis.GetDatabase().SortedSetRangeByRankAsync(Models)).Select(v => v.ToString()).ToList();

    public async Task<RegisteredModel?> GetAsync(string name)
    {
        var database = redis.GetDatabase();
        var versionsTask = database.HashGetAllAsync(VersionsKey(name));
        var aliasesTask = database.HashGetAllAsync(AliasesKey(name));
        var (versions, aliases) = (await versionsTask, await aliasesTask);
        if (versions.Length == 0)
        {
            return null;
        }
        var aliasMap = aliases.ToDictionary(a => a.Name.ToString(), a => (int)a.Value, StringComparer.Ordinal);
        var list = versions.Select(v =>
        {
            var number = (int)v.Name;
            var stored = JsonSerializer.Deserialize<StoredVersion>(v.Value.ToString(), JsonSerializerOptions.Web)!;
            return new ModelVersion(name, number, stored.RunId, stored.PackageUri, stored.DatasetName, stored.DatasetVersion, stored.Metrics,
                stored.TrainedAt, aliasMap.Where(a => a.Value == number).Select(a => a.Key).Order(StringComparer.Ordinal).ToList());
        }).OrderBy(v => v.Version).ToList();
        return new RegisteredModel(name, list, aliasMap);
    }

    public Task SetAliasAsync(string name, string alias, int version) => redis.GetDatabase().HashSetAsync(AliasesKey(name), alias, version);
}
