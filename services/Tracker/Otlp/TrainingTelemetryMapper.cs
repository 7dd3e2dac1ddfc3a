using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Telemetry;
using Platform.Otlp;

namespace Platform.Tracker.Otlp;

/// <summary>
/// Maps OTLP spans to runs. A span belongs to a run when it carries <c>platform.run_id</c>; spans without it (HTTP
/// requests, anything else an application traces) are ignored. Any span or span event with a <c>step</c> attribute
/// contributes its <c>metrics.*</c> attributes as curve points; the run span's end gives the run's outcome, which
/// <see cref="Runs.RunStore.ApplyAsync"/> applies only to a run the tracker did not queue (docs/tracking-conventions.md, "Run state").
/// The names are <see cref="TrainingTelemetryConventions"/>.
/// </summary>
public static class TrainingTelemetryMapper
{
    public static MappedBatch Map(IReadOnlyList<OtlpSpan> spans)
    {
        var runs = new Dictionary<Guid, RunObservation>();
        var rejected = 0;
        string? rejection = null;
        foreach (var span in spans)
        {
            if (!span.Attributes.TryGetValue(TrainingTelemetryConventions.RunId, out var rawId))
            {
                continue;
            }
            if (rawId is not string text || !Guid.TryParse(text, out var runId))
            {
                rejected++;
                rejection = $"Span '{span.Name}' has {TrainingTelemetryConventions.RunId} = '{rawId}', which is not a GUID.";
                continue;
            }
            if (!runs.TryGetValue(runId, out var run))
            {
                runs[runId] = run = new RunObservation(runId);
            }
            var problem = Apply(span, run);
            if (problem is not null)
            {
                rejected++;
                rejection = problem;
            }
        }
        return new MappedBatch([.. runs.Values], rejected, rejection);
    }

    private static string? Apply(OtlpSpan span, RunObservation run)
    {
        string? problem = null;
        CopyRunAttributes(span.Attributes, run);
        var spanEnd = Seconds(span.EndUnixNano);
        if (StepOf(span.Attributes) is { } step)
        {
            AddPoints(span.Attributes, step, spanEnd, run);
        }
        if (span.Name == TrainingTelemetryConventions.StartedSpan && AttemptOf(span) is { } attempt)
        {
            // Stored under a field of its own per attempt number: the same announcement applied twice changes nothing twice.
            run.Fields[$"{AttemptFieldPrefix}{attempt.Attempt}"] = JsonSerializer.Serialize(attempt, Platform.Contracts.ContractJson.Options);
        }
        if (span.Attributes.TryGetValue(TrainingTelemetryConventions.Finding, out var rawFinding))
        {
            problem = AddFinding(rawFinding, run);
        }
        if (span.Name == TrainingTelemetryConventions.RunSpan)
        {
            run.StartedAt = Time(span.StartUnixNano);
            run.EndedAt = Time(span.EndUnixNano);
            run.Outcome = span.Attributes.TryGetValue(TrainingTelemetryConventions.Cancelled, out var cancelled) && cancelled is true
                ? RunOutcome.Cancelled
                : span.Status == SpanStatusCode.Error ? RunOutcome.Failed : RunOutcome.Completed;
            run.OutcomeReason = span.StatusMessage;
        }
        else if (span.StartUnixNano > 0 && (run.StartedAt is null || Time(span.StartUnixNano) < run.StartedAt))
        {
            run.StartedAt = Time(span.StartUnixNano);
        }
        foreach (var spanEvent in span.Events)
        {
            CopyRunAttributes(spanEvent.Attributes, run);
            if (StepOf(spanEvent.Attributes) is { } eventStep)
            {
                AddPoints(spanEvent.Attributes, eventStep, Seconds(spanEvent.TimeUnixNano), run);
            }
            else if (spanEvent.Name == TrainingTelemetryConventions.ResultEvent)
            {
                problem = AddResult(spanEvent.Attributes, run) ?? problem;
            }
        }
        return problem;
    }

    /// <summary>The run-hash field prefix under which each attempt's announcement is kept.</summary>
    public const string AttemptFieldPrefix = "attempt:";

    /// <summary>The run-hash field prefix under which each finding's latest version is kept (one field per finding id).</summary>
    public const string FindingFieldPrefix = "finding:";

    private static string? AddFinding(object? raw, RunObservation run)
    {
        Platform.Contracts.Runs.RunFinding? finding = null;
        try
        {
            finding = raw is string json ? JsonSerializer.Deserialize<Platform.Contracts.Runs.RunFinding>(json, Platform.Contracts.ContractJson.Options) : null;
        }
        catch (JsonException)
        {
        }
        if (finding is null || string.IsNullOrWhiteSpace(finding.Id) || finding.Id.Length > 100 || finding.Evidence is null || finding.Remedies is null)
        {
            return $"The {TrainingTelemetryConventions.Finding} of run {run.RunId} is not a finding (JSON with id, kind, severity, summary, evidence, remedies).";
        }
        // Stored as read back, so what the API answers is what the contract says; a later version of the finding replaces it.
        run.Fields[FindingFieldPrefix + finding.Id] = JsonSerializer.Serialize(finding, Platform.Contracts.ContractJson.Options);
        return null;
    }

    private static Platform.Contracts.Runs.RunAttempt? AttemptOf(OtlpSpan span)
    {
        var attributes = span.Attributes;
        if (!attributes.TryGetValue(TrainingTelemetryConventions.Attempt, out var rawAttempt) || rawAttempt is not long attempt || attempt is < 1 or > 10_000)
        {
            return null;
        }
        var startEpoch = attributes.TryGetValue(TrainingTelemetryConventions.StartEpoch, out var rawEpoch) && rawEpoch is long epoch ? (int)epoch : 1;
        var why = attributes.TryGetValue(TrainingTelemetryConventions.AttemptReason, out var rawWhy) && rawWhy is string text ? text
            : attempt == 1 ? "first attempt" : "resumed";
        return new Platform.Contracts.Runs.RunAttempt((int)attempt, startEpoch, attributes.GetValueOrDefault(TrainingTelemetryConventions.Device) as string,
            Time(span.StartUnixNano) ?? DateTimeOffset.UnixEpoch, why);
    }

    private static void CopyRunAttributes(IReadOnlyDictionary<string, object?> attributes, RunObservation run)
    {
        foreach (var (key, value) in attributes)
        {
            switch (key)
            {
                case TrainingTelemetryConventions.Experiment: CopyField("experiment", value, run); break;
                case TrainingTelemetryConventions.ModelName: CopyField("modelName", value, run); break;
                case TrainingTelemetryConventions.DatasetName: CopyField("datasetName", value, run); break;
                case TrainingTelemetryConventions.DatasetVersion: CopyField("datasetVersion", value, run); break;
                case TrainingTelemetryConventions.Device: CopyField("device", value, run); break;
                default:
                    if (key.StartsWith(TrainingTelemetryConventions.ParamsPrefix, StringComparison.Ordinal) && key.Length > TrainingTelemetryConventions.ParamsPrefix.Length
                        && ParamJson(value) is { } json)
                    {
                        run.Params[key[TrainingTelemetryConventions.ParamsPrefix.Length..]] = json;
                    }
                    break;
            }
        }
    }

    private static void CopyField(string field, object? value, RunObservation run)
    {
        var text = value switch
        {
            string s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            _ => null,
        };
        if (!string.IsNullOrWhiteSpace(text))
        {
            run.Fields[field] = text;
        }
    }

    /// <summary>Parameters keep their type: numbers stay numbers so filters compare them numerically.</summary>
    private static string? ParamJson(object? value) => value switch
    {
        string or bool or long or double or object?[] => JsonSerializer.Serialize(value),
        _ => null,
    };

    private static long? StepOf(IReadOnlyDictionary<string, object?> attributes) =>
        attributes.TryGetValue(TrainingTelemetryConventions.Step, out var step) ? step switch
        {
            long l => l,
            double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => (long)d,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        } : null;

    private static double? Number(object? value) => value switch
    {
        double d when double.IsFinite(d) => d,
        long l => l,
        _ => null,
    };

    private static void AddPoints(IReadOnlyDictionary<string, object?> attributes, long step, double wallTime, RunObservation run)
    {
        foreach (var (key, value) in attributes)
        {
            if (key.StartsWith(TrainingTelemetryConventions.MetricsPrefix, StringComparison.Ordinal) && Number(value) is { } number
                && key.Length > TrainingTelemetryConventions.MetricsPrefix.Length)
            {
                run.Points.Add(new MetricPoint(key[TrainingTelemetryConventions.MetricsPrefix.Length..], step, number, wallTime));
            }
        }
    }

    private static string? AddResult(IReadOnlyDictionary<string, object?> attributes, RunObservation run)
    {
        foreach (var (key, value) in attributes)
        {
            if (key.StartsWith(TrainingTelemetryConventions.MetricsPrefix, StringComparison.Ordinal) && Number(value) is { } metric)
            {
                run.FinalMetrics[key[TrainingTelemetryConventions.MetricsPrefix.Length..]] = metric;
            }
            else if (key.StartsWith(TrainingTelemetryConventions.PerClassPrefix, StringComparison.Ordinal) && Number(value) is { } figure)
            {
                run.PerClass[key[TrainingTelemetryConventions.PerClassPrefix.Length..]] = figure;
            }
        }
        if (attributes.TryGetValue(TrainingTelemetryConventions.ConfusionMatrix, out var matrix) && matrix is string json)
        {
            if (ConfusionMatrixReader.TryParse(json, out _, out var problem))
            {
                run.ConfusionMatrixJson = json;
            }
            else
            {
                return $"The {TrainingTelemetryConventions.ConfusionMatrix} of run {run.RunId} is not usable: {problem}";
            }
        }
        return null;
    }

    private static double Seconds(ulong unixNano) => unixNano / 1e9;

    private static DateTimeOffset? Time(ulong unixNano) =>
        unixNano == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)(unixNano / 1_000_000));
}
