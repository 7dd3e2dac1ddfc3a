using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Runs;
using Platform.Tracker.Otlp;
using StackExchange.Redis;

namespace Platform.Tracker.Runs;

/// <summary>
/// Runs, parameters and curves in Redis. Every write is idempotent: a curve is a hash keyed by step, so a re-sent
/// batch or a resumed run overwrites a point with itself, and (run, metric, step) never appears twice. Writes are
/// awaited before the receiver acknowledges, so with Redis' append-only file nothing acknowledged is lost.
/// </summary>
public sealed class RunStore(IConnectionMultiplexer redis, TimeProvider time)
{
    public const string DefaultExperiment = "default";
    private const string Prefix = "tracker:";
    private static readonly RedisKey AllRuns = Prefix + "runs";
    private static readonly RedisKey Experiments = Prefix + "experiments";

    // Run id → a counter bumped after every write to the run (state, fields, parameters, metrics), so a reader that keeps
    // runs in memory (RunSummaryCache) re-reads only the runs that changed, whichever replica wrote them.
    private static readonly RedisKey RunVersions = Prefix + "run-versions";

    // Who created a run, set once with the run: the API, which queued it (TrainModel published), or telemetry from a client
    // the tracker never queued. A queued run's end comes from the trainer's messages, a telemetry-only run's from its run span.
    private const string OriginField = "origin";
    private const string QueuedOrigin = "api";
    private const string TelemetryOrigin = "telemetry";

    // A remedy run's link to the run it remedies and to the finding (and remedy) it applies.
    private const string ParentRunField = "parentRunId";
    private const string RemedyOfField = "remedyOf";

    // A sweep trial's sweep, number and sampled parameters (JSON); and, once its early-stopping rule prunes it, the epoch and reason.
    private const string SweepIdField = "sweepId";
    private const string SweepTrialField = "sweepTrial";
    private const string SweepParametersField = "sweepParameters";
    private const string PrunedAtEpochField = "prunedAtEpoch";
    private const string PruneReasonField = "pruneReason";

    // How many examples the trainer stored in the run's misclassified gallery (ModelTrained), so the run page asks only for a gallery that exists.
    private const string MisclassifiedField = "misclassifiedExamples";

    public static RedisKey RunKey(Guid id) => $"{Prefix}run:{id:D}";
    private static RedisKey ParamsKey(Guid id) => $"{Prefix}run:{id:D}:params";
    private static RedisKey LatestKey(Guid id) => $"{Prefix}run:{id:D}:latest";
    private static RedisKey FinalKey(Guid id) => $"{Prefix}run:{id:D}:final";
    private static RedisKey PerClassKey(Guid id) => $"{Prefix}run:{id:D}:per-class";
    private static RedisKey CurveVersionsKey(Guid id) => $"{Prefix}run:{id:D}:curve-versions";
    private static RedisKey OverviewKey(Guid id, string metric) => $"{Prefix}run:{id:D}:overview:{metric}";

    /// <summary>Steps per overview bucket: a curve's overview has at most four points per this many steps.</summary>
    public const int OverviewBucketSteps = 256;

    // Merges per-bucket aggregates into a curve's overview. ARGV: bucket, then 8 numbers (first step, first value,
    // last step, last value, min step, min value, max step, max value), repeated.
    private const string OverviewScript = """
        for i = 1, #ARGV, 9 do
          local incoming = {}
          for j = 1, 8 do incoming[j] = tonumber(ARGV[i + j]) end
          local current = redis.call('HGET', KEYS[1], ARGV[i])
          if current then
            local c = {}
            for number in string.gmatch(current, '%S+') do c[#c + 1] = tonumber(number) end
            if c[1] < incoming[1] then incoming[1] = c[1]; incoming[2] = c[2] end
            if c[3] > incoming[3] then incoming[3] = c[3]; incoming[4] = c[4] end
            if c[6] < incoming[6] then incoming[5] = c[5]; incoming[6] = c[6] end
            if c[8] > incoming[8] then incoming[7] = c[7]; incoming[8] = c[8] end
          end
          local parts = {}
          for j = 1, 8 do parts[j] = string.format('%.17g', incoming[j]) end
          redis.call('HSET', KEYS[1], ARGV[i], table.concat(parts, ' '))
        end
        return 0
        """;
    public static RedisKey CurveKey(Guid id, string metric) => $"{Prefix}run:{id:D}:curve:{metric}";
    private static RedisKey ExperimentRunsKey(string experiment) => $"{Prefix}experiment:{experiment}:runs";

    // Creates the run if it is new. A run first seen through telemetry without platform.experiment is filed under the
    // default experiment and moved once a span names its experiment (spans of one run may arrive in any order).
    private static readonly LuaScript EnsureRunScript = LuaScript.Prepare("""
        local exists = redis.call('EXISTS', @run)
        local named = @experimentNamed == '1'
        if exists == 0 then
          redis.call('HSET', @run, 'id', @id, 'experiment', @experiment, 'state', @state, 'createdAt', @now, 'attempt', '1', 'origin', @origin)
          if not named then redis.call('HSET', @run, 'experimentDefaulted', '1') end
          redis.call('ZADD', @allRuns, 'NX', @now, @id)
          redis.call('ZADD', @experiments, 'NX', @now, @experiment)
          redis.call('ZADD', 'tracker:experiment:' .. @experiment .. ':runs', 'NX', @now, @id)
          return 1
        end
        if named and redis.call('HGET', @run, 'experimentDefaulted') == '1' then
          local old = redis.call('HGET', @run, 'experiment')
          local created = redis.call('HGET', @run, 'createdAt')
          redis.call('ZREM', 'tracker:experiment:' .. old .. ':runs', @id)
          redis.call('ZADD', @experiments, 'NX', created, @experiment)
          redis.call('ZADD', 'tracker:experiment:' .. @experiment .. ':runs', 'NX', created, @id)
          redis.call('HSET', @run, 'experiment', @experiment)
          redis.call('HDEL', @run, 'experimentDefaulted')
        end
        return 0
        """);

    // Moves the run to @state only from one of @from (a comma-wrapped list such as ",queued,running,"), setting the
    // extra fields in the same step. Returns the previous state, or false when the run does not exist.
    private static readonly LuaScript TransitionScript = LuaScript.Prepare("""
        local current = redis.call('HGET', @run, 'state')
        if not current then return false end
        if @launch ~= '0' and (redis.call('HGET', @run, 'attempt') or '1') ~= @launch then return current end
        if string.find(@from, ',' .. current .. ',', 1, true) then
          redis.call('HSET', @run, 'state', @state)
          if @fields ~= '' then
            local decoded = cjson.decode(@fields)
            for k, v in pairs(decoded) do redis.call('HSET', @run, k, v) end
          end
        end
        return current
        """);

    // Keeps each metric's value at its highest step, whatever order the points arrive in. ARGV: name, step, value triples.
    private const string LatestScript = """
        for i = 1, #ARGV, 3 do
          local current = redis.call('HGET', KEYS[1], ARGV[i])
          local step = tonumber(ARGV[i + 1])
          if not current or tonumber(string.match(current, '^(%S+)')) <= step then
            redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1] .. ' ' .. ARGV[i + 2])
          end
        end
        return 0
        """;

    /// <summary>The run's launch: 1 when created (the field absent), one more at each resume (<see cref="Platform.Contracts.TrainModel.Launch"/>).</summary>
    public const string LaunchField = "attempt";

    private IDatabase Database => redis.GetDatabase();

    /// <summary>Records a new run requested through the API: queued, with its configuration and parameters.</summary>
    /// <param name="lineage">For a remedy run: the run it remedies and the finding#remedy it applies; for a sweep trial, its sweep.</param>
    public async Task CreateQueuedRunAsync(Guid id, string experiment, string modelName, string datasetName, int datasetVersion,
        string configJson, IReadOnlyDictionary<string, string> parameters, RunLineage? lineage = null)
    {
        var database = Database;
        await EnsureRunAsync(database, id, experiment, experimentNamed: true, RunStates.Queued, QueuedOrigin, time.GetUtcNow());
        var fields = new List<HashEntry>
        {
            new("modelName", modelName), new("datasetName", datasetName),
            new("datasetVersion", datasetVersion.ToString(CultureInfo.InvariantCulture)), new("config", configJson),
        };
        if (lineage?.ParentRunId is { } parent)
        {
            fields.Add(new(ParentRunField, parent.ToString("D")));
            fields.Add(new(RemedyOfField, lineage.RemedyOf ?? ""));
        }
        if (lineage?.SweepId is { } sweep)
        {
            fields.Add(new(SweepIdField, sweep.ToString("D")));
            fields.Add(new(SweepTrialField, (lineage.SweepTrial ?? 0).ToString(CultureInfo.InvariantCulture)));
            fields.Add(new(SweepParametersField, JsonSerializer.Serialize(lineage.SweepParameters ?? new Dictionary<string, JsonElement>())));
        }
        await Task.WhenAll(
            database.HashSetAsync(RunKey(id), [.. fields]),
            parameters.Count == 0 ? Task.CompletedTask : database.HashSetAsync(ParamsKey(id), parameters.Select(p => new HashEntry(p.Key, p.Value)).ToArray()));
        await TouchAsync(database, id);
    }

    /// <summary>Marks the run changed, after its writes were accepted (a reader that sees the new counter sees them).</summary>
    private static Task TouchAsync(IDatabaseAsync database, Guid id) => database.HashIncrementAsync(RunVersions, id.ToString("D"));

    /// <summary>Every run's change counter (a run written before counters existed has none and counts as 0).</summary>
    public async Task<Dictionary<Guid, long>> ReadRunVersionsAsync() =>
        (await Database.HashGetAllAsync(RunVersions)).ToDictionary(e => Guid.Parse(e.Name.ToString()), e => (long)e.Value);

    /// <summary>
    /// Removes a run recorded by the API whose training command never left (the broker was unavailable): the caller was told to
    /// try again, so keeping it would leave a run no trainer will ever see.
    /// </summary>
    public async Task DeleteUnsentRunAsync(Guid id, string experiment)
    {
        var database = Database;
        await Task.WhenAll(
            database.KeyDeleteAsync([RunKey(id), ParamsKey(id)]),
            database.SortedSetRemoveAsync(AllRuns, id.ToString("D")),
            database.SortedSetRemoveAsync(ExperimentRunsKey(experiment), id.ToString("D")),
            database.HashDeleteAsync(RunVersions, id.ToString("D")));
    }

    private static async Task EnsureRunAsync(IDatabase database, Guid id, string experiment, bool experimentNamed, string initialState, string origin,
        DateTimeOffset now) =>
        await database.ScriptEvaluateAsync(EnsureRunScript, new
        {
            run = RunKey(id),
            allRuns = AllRuns,
            experiments = Experiments,
            id = id.ToString("D"),
            experiment,
            experimentNamed = experimentNamed ? "1" : "0",
            state = initialState,
            origin,
            now = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>
    /// Applies what telemetry says about a run: any span moves a queued run to running, and the run span's end ends a run
    /// that exists only through telemetry. Safe to apply again: nothing is counted twice. Returns the curve writes with
    /// the version number each one gave its curve.
    /// </summary>
    public async Task<IReadOnlyList<CurveWrite>> ApplyAsync(RunObservation run)
    {
        var database = Database;
        var experiment = run.Fields.GetValueOrDefault("experiment");
        await EnsureRunAsync(database, run.RunId, experiment ?? DefaultExperiment, experiment is not null, RunStates.Running, TelemetryOrigin, time.GetUtcNow());

        var writes = new List<Task>();
        var curveWrites = new List<(string Metric, MetricPoint[] Points, Task<long> Version)>();
        var batch = database.CreateBatch();
        var descriptive = run.Fields.Where(f => f.Key != "experiment").Select(f => new HashEntry(f.Key, f.Value)).ToArray();
        if (descriptive.Length > 0)
        {
            writes.Add(batch.HashSetAsync(RunKey(run.RunId), descriptive));
        }
        if (run.StartedAt is { } started)
        {
            writes.Add(batch.HashSetAsync(RunKey(run.RunId), "startedAt", started.ToUnixTimeMilliseconds(), When.NotExists));
        }
        if (run.Params.Count > 0)
        {
            writes.Add(batch.HashSetAsync(ParamsKey(run.RunId), run.Params.Select(p => new HashEntry(p.Key, p.Value)).ToArray()));
        }
        if (run.Points.Count > 0)
        {
            foreach (var metric in run.Points.GroupBy(p => p.Metric, StringComparer.Ordinal))
            {
                // The version is bumped after the points are written (one connection keeps the order), so a reader
                // that sees version v and then reads the curve has every write up to v.
                writes.Add(batch.HashSetAsync(CurveKey(run.RunId, metric.Key),
                    metric.Select(p => new HashEntry(p.Step, EncodePoint(p.Value, p.WallTimeSeconds))).ToArray()));
                writes.Add(batch.ScriptEvaluateAsync(OverviewScript, [OverviewKey(run.RunId, metric.Key)], OverviewArguments(metric)));
                var version = batch.HashIncrementAsync(CurveVersionsKey(run.RunId), metric.Key);
                writes.Add(version);
                curveWrites.Add((metric.Key, metric.ToArray(), version));
            }
            var latest = run.Points.GroupBy(p => p.Metric, StringComparer.Ordinal).Select(g => g.MaxBy(p => p.Step)!)
                .SelectMany(p => new RedisValue[] { p.Metric, p.Step, p.Value.ToString("R", CultureInfo.InvariantCulture) }).ToArray();
            writes.Add(batch.ScriptEvaluateAsync(LatestScript, [LatestKey(run.RunId)], latest));
        }
        // Any span of the run means a trainer (or script) is at work on it.
        writes.Add(TransitionScript.EvaluateAsync(batch, new { run = RunKey(run.RunId), state = RunStates.Running, from = ",queued,", fields = "", launch = "0" }));
        if (run.FinalMetrics.Count > 0)
        {
            writes.Add(batch.HashSetAsync(FinalKey(run.RunId), run.FinalMetrics.Select(m => new HashEntry(m.Key, m.Value)).ToArray()));
        }
        if (run.PerClass.Count > 0)
        {
            writes.Add(batch.HashSetAsync(PerClassKey(run.RunId), run.PerClass.Select(m => new HashEntry(m.Key, m.Value)).ToArray()));
        }
        if (run.ConfusionMatrixJson is { } matrix)
        {
            writes.Add(batch.HashSetAsync(RunKey(run.RunId), "confusionMatrix", matrix));
        }
        batch.Execute();
        await Task.WhenAll(writes);
        await TouchAsync(database, run.RunId);

        // Spans are best-effort and leave in batches; the trainer's ModelTrained, RunFailed and RunCancelled messages are
        // durable. So the run span's end decides only a run the tracker did not queue (the origin never changes once set).
        if (run.Outcome is { } outcome && await database.HashGetAsync(RunKey(run.RunId), OriginField) != QueuedOrigin)
        {
            var fields = new Dictionary<string, string>();
            if (run.EndedAt is { } ended)
            {
                fields["endedAt"] = ended.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            }
            if (run.OutcomeReason is { } reason)
            {
                fields["reason"] = reason;
            }
            await TransitionAsync(run.RunId, RunOutcomeStates.Of(outcome), [RunStates.Queued, RunStates.Running], fields);
        }
        return curveWrites.Select(w => new CurveWrite(run.RunId, w.Metric, w.Version.Result, w.Points)).ToList();
    }

    /// <summary>
    /// Ends a queued or running run in <paramref name="state"/> (failed, cancelled) with its reason and end time, as the
    /// trainer reported them. A run that already ended stays as it is, so a redelivered message or one that lost the race
    /// with the run's completion changes nothing; nor does the ending of an earlier <paramref name="launch"/> of a run resumed since
    /// (0: a trainer that does not say, applied as before).
    /// </summary>
    public Task<string?> EndAsync(Guid id, string state, string reason, DateTimeOffset endedAt, int launch) =>
        TransitionAsync(id, state, [RunStates.Queued, RunStates.Running], new Dictionary<string, string>
        {
            ["reason"] = reason,
            ["endedAt"] = endedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        }, launch);

    /// <summary>Moves a run to <paramref name="state"/> if it is in one of <paramref name="from"/>; returns the state it was in (null: no such run).</summary>
    /// <param name="launch">When not 0, the move happens only if it is the run's current launch (<see cref="LaunchField"/>).</param>
    public async Task<string?> TransitionAsync(Guid id, string state, IReadOnlyList<string> from, IReadOnlyDictionary<string, string>? fields = null, int launch = 0)
    {
        var result = await Database.ScriptEvaluateAsync(TransitionScript, new
        {
            run = RunKey(id),
            state,
            from = "," + string.Join(',', from) + ",",
            fields = fields is null || fields.Count == 0 ? "" : JsonSerializer.Serialize(fields),
            launch = launch.ToString(CultureInfo.InvariantCulture),
        });
        if (result.IsNull)
        {
            return null;
        }
        await TouchAsync(Database, id);
        return (string?)result;
    }

    /// <summary>Final metrics of a run that exists (a message about an unknown run creates nothing).</summary>
    public async Task RecordFinalMetricsAsync(Guid id, IReadOnlyDictionary<string, double> metrics)
    {
        var database = Database;
        if (metrics.Count > 0 && await database.KeyExistsAsync(RunKey(id)))
        {
            await database.HashSetAsync(FinalKey(id), metrics.Select(m => new HashEntry(m.Key, m.Value)).ToArray());
            await TouchAsync(database, id);
        }
    }

    /// <summary>The size of the misclassified gallery the trainer stored for a run that exists (a message about an unknown run creates nothing).</summary>
    public async Task RecordMisclassifiedExamplesAsync(Guid id, int count)
    {
        var database = Database;
        if (await database.KeyExistsAsync(RunKey(id)))
        {
            await database.HashSetAsync(RunKey(id), MisclassifiedField, count.ToString(CultureInfo.InvariantCulture));
            await TouchAsync(database, id);
        }
    }

    /// <summary>
    /// Records that a sweep's early-stopping rule pruned the run at <paramref name="epoch"/>, before the cancel that stops it is sent:
    /// the trainer's <c>RunCancelled</c> then ends it as <see cref="RunStates.Pruned"/> with this reason.
    /// </summary>
    public async Task MarkPruneRequestedAsync(Guid id, int epoch, string reason)
    {
        await Database.HashSetAsync(RunKey(id), [
            new(PrunedAtEpochField, epoch.ToString(CultureInfo.InvariantCulture)), new(PruneReasonField, reason), new("cancelRequested", "1")]);
        await TouchAsync(Database, id);
    }

    /// <summary>Ends a run the trainer stopped on request: pruned (with the rule's reason) when a sweep pruned it, cancelled otherwise.</summary>
    public async Task<string?> EndStoppedAsync(Guid id, string trainerReason, DateTimeOffset endedAt, int launch)
    {
        var pruneReason = await Database.HashGetAsync(RunKey(id), PruneReasonField);
        return pruneReason.IsNullOrEmpty
            ? await EndAsync(id, RunStates.Cancelled, trainerReason, endedAt, launch)
            : await EndAsync(id, RunStates.Pruned, pruneReason.ToString(), endedAt, launch);
    }

    public async Task MarkCancelRequestedAsync(Guid id)
    {
        await Database.HashSetAsync(RunKey(id), "cancelRequested", "1");
        await TouchAsync(Database, id);
    }

    /// <summary>
    /// Puts a failed, cancelled or pruned run back in the queue for another launch; returns the state it was in and the new
    /// launch's number (the one <see cref="Platform.Contracts.TrainModel.Launch"/> carries).
    /// </summary>
    public async Task<(string? Previous, int Launch)> RequeueAsync(Guid id)
    {
        var previous = await TransitionAsync(id, RunStates.Queued, [RunStates.Failed, RunStates.Cancelled, RunStates.Pruned],
            new Dictionary<string, string> { ["reason"] = "" });
        if (previous is not (RunStates.Failed or RunStates.Cancelled or RunStates.Pruned))
        {
            return (previous, 0);
        }
        var database = Database;
        // Only the caller whose transition won gets here, so reading and writing the launch is not raced. A run stored
        // without the field is in its first launch.
        var stored = await database.HashGetAsync(RunKey(id), LaunchField);
        var launch = (stored.TryParse(out int current) ? current : 1) + 1;
        // A resumed pruned run trains to its end: it is no longer pruned (its sweep already counted it).
        await Task.WhenAll(database.HashSetAsync(RunKey(id), LaunchField, launch),
            database.HashDeleteAsync(RunKey(id), ["reason", "endedAt", "cancelRequested", PrunedAtEpochField, PruneReasonField]));
        await TouchAsync(database, id);
        return (previous, launch);
    }

    public static string EncodePoint(double value, double wallTime) =>
        string.Create(CultureInfo.InvariantCulture, $"{value:R} {wallTime:R}");

    public async Task<IReadOnlyList<string>> ListExperimentsAsync() =>
        (await Database.SortedSetRangeByRankAsync(Experiments)).Select(v => v.ToString()).ToList();

    /// <summary>Run ids, newest first; all runs or one experiment's.</summary>
    public async Task<IReadOnlyList<Guid>> ListRunIdsAsync(string? experiment) =>
        (await Database.SortedSetRangeByRankAsync(experiment is null ? AllRuns : ExperimentRunsKey(experiment), order: Order.Descending))
            .Select(v => Guid.Parse(v.ToString())).ToList();

    public async Task<RunRecord?> GetAsync(Guid id, bool details = true) => (await GetManyAsync([id], details))[0];

    /// <summary>Reads runs in one pipelined round trip; null for an id that is not a run.</summary>
    public async Task<IReadOnlyList<RunRecord?>> GetManyAsync(IReadOnlyList<Guid> ids, bool details)
    {
        var batch = Database.CreateBatch();
        var reads = ids.Select(id => (
            Run: batch.HashGetAllAsync(RunKey(id)),
            Params: batch.HashGetAllAsync(ParamsKey(id)),
            Latest: batch.HashGetAllAsync(LatestKey(id)),
            Final: batch.HashGetAllAsync(FinalKey(id)),
            PerClass: details ? batch.HashGetAllAsync(PerClassKey(id)) : null)).ToList();
        batch.Execute();
        await Task.WhenAll(reads.SelectMany(r => new Task?[] { r.Run, r.Params, r.Latest, r.Final, r.PerClass }).OfType<Task>());

        var records = new List<RunRecord?>();
        for (var i = 0; i < ids.Count; i++)
        {
            var fields = reads[i].Run.Result.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
            records.Add(fields.Count == 0 ? null : ToRecord(ids[i], fields, reads[i].Params.Result, reads[i].Latest.Result, reads[i].Final.Result,
                details ? reads[i].PerClass!.Result : null, details));
        }
        if (details)
        {
            records = await WithCurveSizesAsync(records);
        }
        return records;
    }

    private async Task<List<RunRecord?>> WithCurveSizesAsync(List<RunRecord?> records)
    {
        var batch = Database.CreateBatch();
        var lengths = records.Select(r => r?.Curves.Select(c => batch.HashLengthAsync(CurveKey(r.Id, c.Name))).ToList() ?? []).ToList();
        batch.Execute();
        await Task.WhenAll(lengths.SelectMany(l => l));
        return records.Select((r, i) => r is null ? null
            : r with { Curves = r.Curves.Select((c, j) => c with { Points = lengths[i][j].Result }).ToList() }).ToList();
    }

    private static RunRecord ToRecord(Guid id, Dictionary<string, string> fields, HashEntry[] parameters, HashEntry[] latest, HashEntry[] final,
        HashEntry[]? perClass, bool details)
    {
        var curves = latest.Select(e =>
        {
            var parts = e.Value.ToString().Split(' ');
            var name = e.Name.ToString();
            return new MetricSummary(name, 0, long.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture), CurveAxes.Of(name));
        }).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        var finals = final.ToDictionary(e => e.Name.ToString(), e => (double)e.Value, StringComparer.Ordinal);
        var metrics = curves.ToDictionary(c => c.Name, c => c.LastValue, StringComparer.Ordinal);
        foreach (var (name, value) in finals)
        {
            metrics[name] = value;
        }
        ConfusionMatrix? matrix = null;
        if (details && fields.TryGetValue("confusionMatrix", out var matrixJson))
        {
            ConfusionMatrixReader.TryParse(matrixJson, out matrix, out _);
        }
        JsonElement? config = details && fields.TryGetValue("config", out var configJson)
            ? JsonDocument.Parse(configJson).RootElement.Clone() : null;
        // Trainers announce each attempt (takeovers after a kill, resumes); the tracker's own counter only sees resumes on request.
        var attempts = fields.Where(f => f.Key.StartsWith(TrainingTelemetryMapper.AttemptFieldPrefix, StringComparison.Ordinal))
            .Select(f => JsonSerializer.Deserialize<RunAttempt>(f.Value, Platform.Contracts.ContractJson.Options)!)
            .OrderBy(a => a.Attempt).ToList();
        var counted = int.TryParse(fields.GetValueOrDefault(LaunchField), CultureInfo.InvariantCulture, out var attempt) ? attempt : 1;
        var findings = fields.Where(f => f.Key.StartsWith(TrainingTelemetryMapper.FindingFieldPrefix, StringComparison.Ordinal))
            .Select(f => JsonSerializer.Deserialize<RunFinding>(f.Value, Platform.Contracts.ContractJson.Options)!)
            .OrderBy(f => Array.IndexOf(FindingKinds.All, f.Kind) is var i and >= 0 ? i : int.MaxValue).ThenBy(f => f.Id, StringComparer.Ordinal).ToList();
        return new RunRecord(
            id,
            fields.GetValueOrDefault("experiment") ?? DefaultExperiment,
            fields.GetValueOrDefault("state") ?? RunStates.Queued,
            string.IsNullOrEmpty(fields.GetValueOrDefault("reason")) ? null : fields["reason"],
            fields.GetValueOrDefault("modelName"),
            fields.GetValueOrDefault("datasetName"),
            int.TryParse(fields.GetValueOrDefault("datasetVersion"), CultureInfo.InvariantCulture, out var version) ? version : null,
            fields.GetValueOrDefault("device"),
            Time(fields.GetValueOrDefault("createdAt")) ?? DateTimeOffset.UnixEpoch,
            Time(fields.GetValueOrDefault("startedAt")),
            Time(fields.GetValueOrDefault("endedAt")),
            Math.Max(counted, attempts.Count == 0 ? 0 : attempts[^1].Attempt),
            fields.GetValueOrDefault("cancelRequested") == "1",
            parameters.OrderBy(p => p.Name.ToString(), StringComparer.Ordinal)
                .ToDictionary(p => p.Name.ToString(), p => JsonDocument.Parse(p.Value.ToString()).RootElement.Clone(), StringComparer.Ordinal),
            metrics,
            finals,
            curves,
            config,
            perClass?.OrderBy(e => e.Name.ToString(), StringComparer.Ordinal).ToDictionary(e => e.Name.ToString(), e => (double)e.Value, StringComparer.Ordinal),
            matrix,
            details ? attempts : null,
            details ? findings : null,
            Guid.TryParse(fields.GetValueOrDefault(ParentRunField), out var parent) ? parent : null,
            string.IsNullOrEmpty(fields.GetValueOrDefault(RemedyOfField)) ? null : fields[RemedyOfField],
            Guid.TryParse(fields.GetValueOrDefault(SweepIdField), out var sweep) ? sweep : null,
            int.TryParse(fields.GetValueOrDefault(SweepTrialField), CultureInfo.InvariantCulture, out var trial) ? trial : null,
            fields.TryGetValue(SweepParametersField, out var sampled) ? JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(sampled) : null,
            int.TryParse(fields.GetValueOrDefault(PrunedAtEpochField), CultureInfo.InvariantCulture, out var pruned) ? pruned : null,
            int.TryParse(fields.GetValueOrDefault(MisclassifiedField), CultureInfo.InvariantCulture, out var misclassified) ? misclassified : null);
    }

    private static DateTimeOffset? Time(string? unixMilliseconds) =>
        long.TryParse(unixMilliseconds, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>A counter that changes whenever the curve is written; a cached copy with the same counter is current.</summary>
    public async Task<long> CurveVersionAsync(Guid id, string metric) =>
        (long?)await Database.HashGetAsync(CurveVersionsKey(id), metric) ?? 0;

    private static RedisValue[] OverviewArguments(IEnumerable<MetricPoint> points) =>
        points.GroupBy(p => Math.DivRem(p.Step, OverviewBucketSteps, out var r) - (r < 0 ? 1 : 0)).SelectMany(bucket =>
        {
            var ordered = bucket.OrderBy(p => p.Step).ToList();
            var (first, last) = (ordered[0], ordered[^1]);
            var (min, max) = (ordered.MinBy(p => p.Value)!, ordered.MaxBy(p => p.Value)!);
            return new RedisValue[]
            {
                bucket.Key, first.Step, first.Value.ToString("R", CultureInfo.InvariantCulture), last.Step, last.Value.ToString("R", CultureInfo.InvariantCulture),
                min.Step, min.Value.ToString("R", CultureInfo.InvariantCulture), max.Step, max.Value.ToString("R", CultureInfo.InvariantCulture),
            };
        }).ToArray();

    public Task<long> CurveLengthAsync(Guid id, string metric) => Database.HashLengthAsync(CurveKey(id, metric));

    /// <summary>
    /// A curve's overview: for every bucket of <see cref="OverviewBucketSteps"/> steps its first, last, lowest and highest
    /// point, sorted by step. It keeps a curve's extremes at a fraction of its size. (A step logged again with another
    /// value leaves the old value in its bucket's extremes.)
    /// </summary>
    public async Task<(long[] Steps, double[] Values)> ReadOverviewAsync(Guid id, string metric)
    {
        var points = new SortedDictionary<long, double>();
        foreach (var bucket in await Database.HashGetAllAsync(OverviewKey(id, metric)))
        {
            var numbers = bucket.Value.ToString().Split(' ').Select(n => double.Parse(n, CultureInfo.InvariantCulture)).ToArray();
            for (var i = 0; i < 8; i += 2)
            {
                points[(long)numbers[i]] = numbers[i + 1];
            }
        }
        return (points.Keys.ToArray(), points.Values.ToArray());
    }

    /// <summary>Every point of a curve, sorted by step.</summary>
    public async Task<(long[] Steps, double[] Values, double[] WallTimes)> ReadCurveAsync(Guid id, string metric)
    {
        // HSCAN in pages rather than one HGETALL: a million-field reply would hold up every other command on the shared
        // connection (the receiver's writes, other queries) until it has been sent. A scan may return a field twice.
        var byStep = new Dictionary<long, (double Value, double Time)>();
        await foreach (var entry in Database.HashScanAsync(CurveKey(id, metric), pageSize: 20_000))
        {
            var text = entry.Value.ToString();
            var space = text.IndexOf(' ');
            byStep[(long)entry.Name] = (double.Parse(text.AsSpan(0, space), CultureInfo.InvariantCulture),
                double.Parse(text.AsSpan(space + 1), CultureInfo.InvariantCulture));
        }
        var steps = byStep.Keys.ToArray();
        Array.Sort(steps);
        var values = new double[steps.Length];
        var times = new double[steps.Length];
        for (var i = 0; i < steps.Length; i++)
        {
            (values[i], times[i]) = byStep[steps[i]];
        }
        return (steps, values, times);
    }

}
