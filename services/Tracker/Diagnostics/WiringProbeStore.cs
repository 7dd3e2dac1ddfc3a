using System.Text.Json;
using Platform.Contracts;
using StackExchange.Redis;

namespace Platform.Tracker.Diagnostics;

/// <summary>Keeps each service's answer to a wiring probe in a Redis hash, one field per service.</summary>
public sealed class WiringProbeStore(IConnectionMultiplexer redis)
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    private static RedisKey Key(Guid probeId) => $"diagnostics:wiring-probe:{probeId:N}";

    public async Task RecordAsync(WiringProbeAnswered answer)
    {
        var database = redis.GetDatabase();
        var key = Key(answer.ProbeId);
        // HSET per service: a redelivered answer overwrites itself instead of adding a second one.
        await database.HashSetAsync(key, answer.Service, JsonSerializer.Serialize(answer, JsonSerializerOptions.Web));
        await database.KeyExpireAsync(key, Retention);
    }

    public async Task<IReadOnlyList<WiringProbeAnswered>> GetAnswersAsync(Guid probeId)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(Key(probeId));
        return entries
            .Select(entry => JsonSerializer.Deserialize<WiringProbeAnswered>(entry.Value.ToString(), JsonSerializerOptions.Web)!)
            .OrderBy(answer => answer.Service, StringComparer.Ordinal)
            .ToList();
    }
}
