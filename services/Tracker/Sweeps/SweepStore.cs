using System.Globalization;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Sweeps;
using StackExchange.Redis;

namespace Platform.Tracker.Sweeps;

/// <summary>
/// Sweeps in Redis: the spec, the state, the trials (reserved, then published) and the early-stopping record (each rung's scores, each
/// decision). Every write that a controller may repeat after a restart is a set-if-absent, so repeating it changes nothing.
/// </summary>
public sealed class SweepStore(IConnectionMultiplexer redis, TimeProvider time)
{
    private const string Prefix = "tracker:";
    private static readonly RedisKey AllSweeps = Prefix + "sweeps";
    private static readonly RedisKey ActiveSweeps = Prefix + "sweeps:active";

    private static RedisKey SweepKey(Guid id) => $"{Prefix}sweep:{id:D}";
    private static RedisKey TrialsKey(Guid id) => $"{Prefix}sweep:{id:D}:trials";
    private static RedisKey DecisionsKey(Guid id) => $"{Prefix}sweep:{id:D}:decisions";
    private static RedisKey RungKey(Guid id, int epoch) => $"{Prefix}sweep:{id:D}:rung:{epoch}";
    private static RedisKey LeaseKey(Guid id) => $"{Prefix}sweep:{id:D}:lease";
    private static RedisKey LaunchesKey(Guid id) => $"{Prefix}sweep:{id:D}:launching";

    /// <summary>
    /// How long a launch may hold its window open (<see cref="TryBeginLaunchAsync"/>): well above a launch's own bound (recording the run
    /// and the broker's 10 s publish timeout), so only a controller that died mid-launch leaves one to expire.
    /// </summary>
    public static readonly TimeSpan LaunchWindow = TimeSpan.FromSeconds(30);

    // Reserves a trial number only while the sweep runs: once a stop (or any end) is stored, no trial is added.
    private static readonly LuaScript ReserveScript = LuaScript.Prepare("""
        if redis.call('HGET', @sweep, 'state') ~= 'running' then return false end
        redis.call('HSETNX', @trials, @field, @trial)
        return redis.call('HGET', @trials, @field)
        """);

    // Opens a trial's launch window only while the sweep runs (score: when the window expires, in ms).
    private static readonly LuaScript BeginLaunchScript = LuaScript.Prepare("""
        if redis.call('HGET', @sweep, 'state') ~= 'running' then return 0 end
        redis.call('ZADD', @launches, @expires, @field)
        return 1
        """);

    // Takes the lease when nobody holds it, or renews it when this owner does.
    private static readonly LuaScript LeaseScript = LuaScript.Prepare("""
        local holder = redis.call('GET', @lease)
        if not holder then
          redis.call('SET', @lease, @owner, 'PX', @ttl)
          return 1
        end
        if holder == @owner then
          redis.call('PEXPIRE', @lease, @ttl)
          return 1
        end
        return 0
        """);

    private static JsonSerializerOptions Json => ContractJson.Options;

    private IDatabase Database => redis.GetDatabase();

    public async Task CreateAsync(Guid id, SweepSpec spec, int datasetVersion, int trialsPlanned)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var database = Database;
        await database.HashSetAsync(SweepKey(id), [
            new("spec", JsonSerializer.Serialize(spec, Json)), new("state", SweepStates.Running), new("createdAt", now),
            new("datasetVersion", datasetVersion), new("trialsPlanned", trialsPlanned)]);
        await Task.WhenAll(database.SortedSetAddAsync(AllSweeps, id.ToString("D"), now), database.SetAddAsync(ActiveSweeps, id.ToString("D")));
    }

    public async Task<IReadOnlyList<Guid>> ActiveAsync() =>
        (await Database.SetMembersAsync(ActiveSweeps)).Select(v => Guid.Parse(v.ToString())).ToList();

    /// <summary>Sweep ids, newest first.</summary>
    public async Task<IReadOnlyList<Guid>> ListAsync() =>
        (await Database.SortedSetRangeByRankAsync(AllSweeps, order: Order.Descending)).Select(v => Guid.Parse(v.ToString())).ToList();

    public async Task<StoredSweep?> GetAsync(Guid id)
    {
        var fields = (await Database.HashGetAllAsync(SweepKey(id))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        if (fields.Count == 0)
        {
            return null;
        }
        return new StoredSweep(
            id,
            fields["state"],
            fields.GetValueOrDefault("reason"),
            JsonSerializer.Deserialize<SweepSpec>(fields["spec"], Json)!,
            int.Parse(fields["datasetVersion"], CultureInfo.InvariantCulture),
            int.Parse(fields["trialsPlanned"], CultureInfo.InvariantCulture),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(fields["createdAt"], CultureInfo.InvariantCulture)),
            fields.TryGetValue("endedAt", out var ended) ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(ended, CultureInfo.InvariantCulture)) : null,
            fields.TryGetValue("best", out var best) ? JsonSerializer.Deserialize<SweepBest>(best, Json) : null);
    }

    /// <summary>The trials reserved so far, by number.</summary>
    public async Task<IReadOnlyList<StoredTrial>> TrialsAsync(Guid id) =>
        (await Database.HashGetAllAsync(TrialsKey(id))).Select(e => JsonSerializer.Deserialize<StoredTrial>(e.Value.ToString(), Json)!)
            .OrderBy(t => t.Number).ToList();

    /// <summary>
    /// Reserves trial <paramref name="trial"/>'s number while the sweep runs; returns the trial stored under it (this one, or one reserved
    /// before), or null when the sweep has ended (a stop stored meanwhile): then no trial is added.
    /// </summary>
    public async Task<StoredTrial?> ReserveTrialAsync(Guid id, StoredTrial trial)
    {
        var stored = await Database.ScriptEvaluateAsync(ReserveScript, new
        {
            sweep = SweepKey(id),
            trials = TrialsKey(id),
            field = trial.Number.ToString(CultureInfo.InvariantCulture),
            trial = JsonSerializer.Serialize(trial, Json),
        });
        return stored.IsNull ? null : JsonSerializer.Deserialize<StoredTrial>(stored.ToString(), Json)!;
    }

    /// <summary>
    /// Opens trial <paramref name="number"/>'s launch window if the sweep still runs; false once it ended. A stop waits for open windows
    /// to close (<see cref="WaitForLaunchesAsync"/>), so every launch is either over before the stop reads the trials, or never begins.
    /// </summary>
    public async Task<bool> TryBeginLaunchAsync(Guid id, int number) =>
        (int)await Database.ScriptEvaluateAsync(BeginLaunchScript, new
        {
            sweep = SweepKey(id),
            launches = LaunchesKey(id),
            field = number.ToString(CultureInfo.InvariantCulture),
            expires = (time.GetUtcNow() + LaunchWindow).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        }) == 1;

    public Task EndLaunchAsync(Guid id, int number) =>
        Database.SortedSetRemoveAsync(LaunchesKey(id), number.ToString(CultureInfo.InvariantCulture));

    /// <summary>Waits until no launch window of the sweep is open (a window left by a controller that died expires after <see cref="LaunchWindow"/>).</summary>
    public async Task WaitForLaunchesAsync(Guid id, CancellationToken cancellationToken)
    {
        while (await Database.SortedSetLengthAsync(LaunchesKey(id), time.GetUtcNow().ToUnixTimeMilliseconds(), double.PositiveInfinity) > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken);
        }
    }

    public Task UpdateTrialAsync(Guid id, StoredTrial trial) =>
        Database.HashSetAsync(TrialsKey(id), trial.Number.ToString(CultureInfo.InvariantCulture), JsonSerializer.Serialize(trial, Json));

    public Task SetTrialsPlannedAsync(Guid id, int planned) => Database.HashSetAsync(SweepKey(id), "trialsPlanned", planned);

    public async Task<IReadOnlyDictionary<string, StoredDecision>> DecisionsAsync(Guid id) =>
        (await Database.HashGetAllAsync(DecisionsKey(id))).ToDictionary(e => e.Name.ToString(), e => JsonSerializer.Deserialize<StoredDecision>(e.Value.ToString(), Json)!);

    public static string DecisionField(Guid runId, int epoch) => $"{runId:D}:{epoch}";

    /// <summary>The scores recorded at a rung, by run.</summary>
    public async Task<IReadOnlyDictionary<Guid, double>> RungAsync(Guid id, int epoch) =>
        (await Database.HashGetAllAsync(RungKey(id, epoch))).ToDictionary(e => Guid.Parse(e.Name.ToString()), e => (double)e.Value);

    /// <summary>Stores a decision and the trial's score at its rung, unless one was stored before; returns the decision that holds.</summary>
    public async Task<StoredDecision> DecideAsync(Guid id, Guid runId, int epoch, StoredDecision decision)
    {
        var field = DecisionField(runId, epoch);
        var database = Database;
        if (!await database.HashSetAsync(DecisionsKey(id), field, JsonSerializer.Serialize(decision, Json), When.NotExists))
        {
            return JsonSerializer.Deserialize<StoredDecision>((await database.HashGetAsync(DecisionsKey(id), field)).ToString(), Json)!;
        }
        await database.HashSetAsync(RungKey(id, epoch), runId.ToString("D"), decision.Score, When.NotExists);
        return decision;
    }

    /// <summary>Ends the sweep (completed, stopped, failed) unless it already ended; returns whether this call ended it.</summary>
    /// <param name="keepActive">Leaves the sweep among the active ones, for the controller to finish what the end still needs (a stop's
    /// cancellations, should the tracker die before it made them); <see cref="RetireAsync"/> then removes it.</param>
    public async Task<bool> EndAsync(Guid id, string state, string? reason, SweepBest? best, bool keepActive = false)
    {
        var database = Database;
        var transaction = database.CreateTransaction();
        transaction.AddCondition(Condition.HashEqual(SweepKey(id), "state", SweepStates.Running));
        var fields = new List<HashEntry> { new("state", state), new("endedAt", time.GetUtcNow().ToUnixTimeMilliseconds()) };
        if (reason is not null)
        {
            fields.Add(new("reason", reason));
        }
        if (best is not null)
        {
            fields.Add(new("best", JsonSerializer.Serialize(best, Json)));
        }
        _ = transaction.HashSetAsync(SweepKey(id), [.. fields]);
        if (!keepActive)
        {
            _ = transaction.SetRemoveAsync(ActiveSweeps, id.ToString("D"));
        }
        var ended = await transaction.ExecuteAsync();
        if (!ended && !keepActive)
        {
            // Already ended (by another request or a controller before a restart): it is no longer active either way.
            await RetireAsync(id);
        }
        return ended;
    }

    /// <summary>Takes an ended sweep off the controller's list.</summary>
    public Task RetireAsync(Guid id) => Database.SetRemoveAsync(ActiveSweeps, id.ToString("D"));

    public Task RecordBestAsync(Guid id, SweepBest best) => Database.HashSetAsync(SweepKey(id), "best", JsonSerializer.Serialize(best, Json));

    /// <summary>Takes or renews the sweep's lease for <paramref name="owner"/>: with several tracker replicas, exactly one drives a sweep at a time.</summary>
    public async Task<bool> TryHoldLeaseAsync(Guid id, string owner, TimeSpan duration) =>
        (int)await Database.ScriptEvaluateAsync(LeaseScript, new
        {
            lease = LeaseKey(id),
            owner,
            ttl = ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        }) == 1;
}
