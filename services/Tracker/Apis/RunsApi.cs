using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts;
using Platform.Contracts.Runs;
using Platform.Tracker.Runs;
using Platform.Tracker.TensorBoard;

namespace Platform.Tracker.Apis;

public static class RunsApi
{
    public const int DefaultDisplayPoints = 1000;
    public const int MaxListedRuns = 1000;

    /// <summary>Runs one comparison overlays at most: beyond ten, curves in one chart stop being distinguishable.</summary>
    public const int MaxComparedRuns = 10;

    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var experiments = app.MapGroup("/experiments").WithTags("Experiments");
        experiments.MapGet("/", ListExperiments).WithName("ListExperiments").WithSummary("Every experiment with its number of runs");
        experiments.MapPost("/{experiment}/runs", CreateRun).WithName("CreateRun")
            .WithSummary("Start a run: records it as queued and publishes TrainModel (the run id is the job id)")
            .WithDescription("Body: {\"dataset\": {\"name\", \"version\"}, \"modelName\", \"config\": {training configuration}}. "
                + "Invalid requests answer 400 with every problem, keyed by field.");

        var runs = app.MapGroup("/runs").WithTags("Runs");
        runs.MapGet("/", SearchRuns).WithName("SearchRuns")
            .WithSummary("Search runs: filter=metrics.val_accuracy > 0.9 and params.optimizer = 'adamw', orderBy=metrics.val_accuracy desc, experiment, idPrefix, limit");
        runs.MapGet("/table", GetRunTable).WithName("GetRunTable")
            .WithSummary("A page of the runs table: filter and orderBy as in search, columns=params.lr,metrics.val_accuracy (default: the first six metrics; empty: none), groupBy=experiment, offset, limit (1-500)");
        runs.MapGet("/compare", CompareRuns).WithName("CompareRuns")
            .WithSummary("Compare runs: ids=a,b,… (2 to 10 runs); parameter differences and the chosen metrics' curves side by side (metrics=…, maxPoints)");
        runs.MapGet("/{id:guid}", GetRun).WithName("GetRun").WithSummary("A run: state, parameters, metrics, curves, configuration, per-class figures and confusion matrix");
        runs.MapGet("/{id:guid}/metrics/{metric}", GetCurve).WithName("GetCurve")
            .WithSummary("A metric's curve: downsampled with LTTB to maxPoints (default 1000), or every point with full=true; fromStep and toStep keep a window of steps (a zoomed chart's detail)");
        runs.MapGet("/{id:guid}/tensorboard", DownloadTensorBoard).WithName("DownloadTensorBoard")
            .WithSummary("The run's TensorBoard event files in a tar archive (tar xf, then tensorboard --logdir): the trainer's own with tensorboard.enabled, else the tracker's curves");
        runs.MapPost("/{id:guid}/cancel", CancelRun).WithName("CancelRun").WithSummary("Cancel a queued or running run (publishes CancelTraining)");
        runs.MapPost("/{id:guid}/resume", ResumeRun).WithName("ResumeRun")
            .WithSummary("Resume a failed, cancelled or pruned run under the same id (publishes TrainModel again; the trainer continues from its last checkpoint)");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<ExperimentSummary>>> ListExperiments(RunSummaryCache summaries)
    {
        // From the in-memory run summaries: the experiments table opens the runs page, which must stay fast with thousands of runs.
        var summariesByExperiment = (await summaries.ListAsync(experiment: null)).GroupBy(r => r.Experiment, StringComparer.Ordinal)
            .Select(g => new ExperimentSummary(g.Key, g.Count(), g.GroupBy(r => r.State).ToDictionary(s => s.Key, s => s.Count()), g.Max(r => r.CreatedAt)));
        return TypedResults.Ok<IReadOnlyList<ExperimentSummary>>(summariesByExperiment.OrderByDescending(s => s.LastRunAt).ToList());
    }

    /// <summary>Seconds a client is told to wait when the broker is unavailable: about one reconnection attempt of the bus.</summary>
    private const int BrokerRetryAfterSeconds = 10;

    public static Task<Results<Created<RunRecord>, ValidationProblem, ProblemHttpResult>> CreateRun(
        string experiment, CreateRunRequest? request, RunLauncher launcher, HttpContext context) =>
        StartRunAsync(experiment, request, lineage: null, launcher, context);

    /// <summary>Starts a run through the <see cref="RunLauncher"/> and answers as the API does; <paramref name="lineage"/> links a remedy run to its parent.</summary>
    public static async Task<Results<Created<RunRecord>, ValidationProblem, ProblemHttpResult>> StartRunAsync(
        string experiment, CreateRunRequest? request, RunLineage? lineage, RunLauncher launcher, HttpContext context)
    {
        var launch = await launcher.StartAsync(experiment, request, lineage, context.RequestAborted);
        return launch switch
        {
            { Errors: { } errors } => TypedResults.ValidationProblem(errors, title: "The run request is invalid."),
            { BrokerUnavailable: { } detail } => BrokerUnavailable(context, detail),
            _ => TypedResults.Created($"/runs/{launch.Run!.Id}", launch.Run),
        };
    }

    private static ProblemHttpResult BrokerUnavailable(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = BrokerRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status503ServiceUnavailable, "Message broker unavailable", detail);
    }

    public static async Task<Results<Ok<IReadOnlyList<RunRecord>>, ValidationProblem>> SearchRuns(
        RunSummaryCache summaries, string? experiment, string? filter, string? orderBy, string? idPrefix, int? limit)
    {
        if (!RunFilter.TryParse(filter, out var parsed, out var filterError))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["filter"] = [filterError!] }, title: "The search is invalid.");
        }
        if (limit is < 1 or > MaxListedRuns)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxListedRuns}."] },
                title: "The search is invalid.");
        }
        var prefix = string.IsNullOrWhiteSpace(idPrefix) ? null : idPrefix.Trim().ToLowerInvariant();
        if (prefix is not null && (prefix.Length > 36 || !prefix.All(c => char.IsAsciiHexDigit(c) || c == '-')))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["idPrefix"] = ["idPrefix must be the start of a run id: up to 36 hex digits and dashes."] },
                title: "The search is invalid.");
        }
        var runs = (await summaries.ListAsync(string.IsNullOrWhiteSpace(experiment) ? null : experiment))
            .Where(run => prefix is null || run.Id.ToString("D").StartsWith(prefix, StringComparison.Ordinal)).Where(parsed.Matches);
        if (!RunFilter.TryOrder(runs, orderBy, out var ordered, out var orderError))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["orderBy"] = [orderError!] }, title: "The search is invalid.");
        }
        return TypedResults.Ok<IReadOnlyList<RunRecord>>(ordered.Take(limit ?? MaxListedRuns).ToList());
    }

    public const int MaxTablePage = 500;
    public const int MaxTableColumns = 40;
    public const int DefaultTableMetrics = 6;

    public static async Task<Results<Ok<RunTablePage>, ValidationProblem>> GetRunTable(
        RunSummaryCache summaries, string? experiment, string? filter, string? orderBy, string? columns, string? groupBy, int? offset, int? limit)
    {
        var errors = new Dictionary<string, string[]>();
        if (!RunFilter.TryParse(filter, out var parsed, out var filterError))
        {
            errors["filter"] = [filterError!];
        }
        var chosen = (columns ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        if (chosen.FirstOrDefault(c => !RunFilter.IsKnownKey(c)) is { } unknown)
        {
            errors["columns"] = [$"'{unknown}' is not a column: use params.NAME or metrics.NAME."];
        }
        else if (chosen.Count > MaxTableColumns)
        {
            errors["columns"] = [$"Choose at most {MaxTableColumns} columns."];
        }
        if (groupBy is not (null or "" or "experiment"))
        {
            errors["groupBy"] = ["groupBy can only be experiment."];
        }
        if (offset is < 0)
        {
            errors["offset"] = ["offset must not be negative."];
        }
        if (limit is < 1 or > MaxTablePage)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxTablePage}."];
        }
        IReadOnlyList<RunRecord> ordered = [];
        if (errors.Count == 0)
        {
            var matched = (await summaries.ListAsync(string.IsNullOrWhiteSpace(experiment) ? null : experiment)).Where(parsed.Matches);
            if (!RunFilter.TryOrder(matched, orderBy, out ordered, out var orderError))
            {
                errors["orderBy"] = [orderError!];
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The runs table request is invalid.");
        }
        var grouped = groupBy == "experiment";
        if (grouped)
        {
            // OrderBy is stable: within an experiment the runs keep the requested order.
            ordered = [.. ordered.OrderBy(r => r.Experiment, StringComparer.Ordinal)];
        }
        // Distinct names first, prefixed once: thousands of runs share a handful of names.
        var (parameterNames, metricNames) = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
        foreach (var run in ordered)
        {
            parameterNames.UnionWith(run.Params.Keys);
            metricNames.UnionWith(run.Metrics.Keys);
        }
        var available = parameterNames.Select(k => "params." + k).Concat(metricNames.Select(k => "metrics." + k)).Order(StringComparer.Ordinal).ToList();
        if (columns is null)
        {
            chosen = [.. available.Where(c => c.StartsWith("metrics.", StringComparison.Ordinal)).Take(DefaultTableMetrics)];
        }
        var (from, size) = (offset ?? 0, limit ?? 50);
        var rows = ordered.Skip(from).Take(size).Select(run => new RunTableRow(run.Id, run.Experiment, run.State, run.ModelName, run.DatasetName, run.DatasetVersion,
            run.CreatedAt, chosen.Select(c => (Column: c, Value: ColumnValue(run, c))).Where(c => c.Value is not null)
                .ToDictionary(c => c.Column, c => c.Value!.Value, StringComparer.Ordinal))).ToList();
        var groups = grouped ? ordered.GroupBy(r => r.Experiment).ToDictionary(g => g.Key, g => g.Count()) : null;
        return TypedResults.Ok(new RunTablePage(ordered.Count, from, size, rows, available, chosen, groups));
    }

    private static System.Text.Json.JsonElement? ColumnValue(RunRecord run, string column)
    {
        if (column.StartsWith("params.", StringComparison.Ordinal))
        {
            return run.Params.TryGetValue(column["params.".Length..], out var parameter) ? parameter : null;
        }
        if (column.StartsWith("metrics.", StringComparison.Ordinal))
        {
            // JSON has no NaN or infinity: a diverged run's loss is shown as text.
            return run.Metrics.TryGetValue(column["metrics.".Length..], out var metric)
                ? double.IsFinite(metric) ? System.Text.Json.JsonSerializer.SerializeToElement(metric)
                    : System.Text.Json.JsonSerializer.SerializeToElement(metric.ToString(System.Globalization.CultureInfo.InvariantCulture))
                : null;
        }
        return RunFilter.ValueOf(run, column) is { } value ? System.Text.Json.JsonSerializer.SerializeToElement(value.Text ?? (object?)value.Number) : null;
    }

    public static async Task<Results<Ok<RunRecord>, ProblemHttpResult>> GetRun(Guid id, RunStore store) =>
        await store.GetAsync(id) is { } run ? TypedResults.Ok(run) : UnknownRun(id);

    public static async Task<Results<Ok<Curve>, ProblemHttpResult, ValidationProblem>> GetCurve(
        Guid id, string metric, int? maxPoints, bool? full, long? fromStep, long? toStep, RunStore store, CurveReader curves)
    {
        if (maxPoints is < 2)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["maxPoints"] = ["maxPoints must be at least 2."] });
        }
        if (fromStep > toStep)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["fromStep"] = ["fromStep must not be after toStep."] });
        }
        var run = await store.GetAsync(id, details: false);
        if (run is null)
        {
            return UnknownRun(id);
        }
        if (run.Curves.All(c => c.Name != metric))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown metric",
                $"Run {id} has no curve '{metric}'. Its curves: {string.Join(", ", run.Curves.Select(c => c.Name))}.");
        }
        var range = fromStep is null && toStep is null ? (StepRange?)null : new StepRange(fromStep, toStep);
        return TypedResults.Ok(await curves.ReadAsync(id, metric, full == true ? null : maxPoints ?? DefaultDisplayPoints, range));
    }

    public static async Task<Results<Ok<RunComparison>, ProblemHttpResult, ValidationProblem>> CompareRuns(
        string? ids, string? metrics, int? maxPoints, RunStore store, CurveReader curves)
    {
        var parsed = (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(text => (Text: text, Ok: Guid.TryParse(text, out var id), Id: id)).ToList();
        if (parsed.Count < 2 || parsed.Any(p => !p.Ok))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["ids"] = ["ids must list two or more run ids separated by commas."] });
        }
        var runIds = parsed.Select(p => p.Id).Distinct().ToList();
        if (runIds.Count > MaxComparedRuns)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["ids"] = [$"Compare at most {MaxComparedRuns} runs at a time; {runIds.Count} were given."] });
        }
        var runs = await store.GetManyAsync(runIds, details: false);
        var missing = runIds.Where((_, i) => runs[i] is null).ToList();
        if (missing.Count > 0)
        {
            return UnknownRun(missing[0]);
        }
        var found = runs.OfType<RunRecord>().ToList();
        var parameterNames = found.SelectMany(r => r.Params.Keys).Distinct().Order(StringComparer.Ordinal);
        var parameters = parameterNames.Select(name =>
        {
            var values = found.ToDictionary(r => r.Id, r => r.Params.TryGetValue(name, out var v) ? v.GetRawText() : null);
            return new ParameterComparison(name, values, values.Values.Distinct().Count() > 1);
        }).OrderByDescending(p => p.Differs).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();

        var chosen = string.IsNullOrWhiteSpace(metrics)
            ? found.SelectMany(r => r.Curves.Select(c => c.Name)).Distinct().Order(StringComparer.Ordinal).ToList()
            : metrics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var series = new List<MetricComparison>();
        foreach (var metric in chosen)
        {
            var perRun = new Dictionary<Guid, Curve>();
            foreach (var run in found.Where(r => r.Curves.Any(c => c.Name == metric)))
            {
                perRun[run.Id] = await curves.ReadAsync(run.Id, metric, maxPoints ?? DefaultDisplayPoints);
            }
            series.Add(new MetricComparison(metric, perRun, found.ToDictionary(r => r.Id, r => r.Metrics.TryGetValue(metric, out var v) ? v : (double?)null)));
        }
        return TypedResults.Ok(new RunComparison(found, parameters, series));
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadTensorBoard(Guid id, RunStore store, CurveReader curves,
        Azure.Storage.Blobs.BlobServiceClient blobs, TimeProvider time, CancellationToken cancellationToken)
    {
        var run = await store.GetAsync(id, details: false);
        return run is null
            ? UnknownRun(id)
            : TypedResults.File(await TensorBoardExport.CreateArchiveAsync(run, curves, blobs, time.GetUtcNow(), cancellationToken), "application/x-tar",
                $"run-{id:D}-tensorboard.tar");
    }

    public static async Task<Results<Accepted<RunRecord>, ProblemHttpResult>> CancelRun(
        Guid id, RunStore store, IPublishEndpoint publisher, TimeProvider time)
    {
        var run = await store.GetAsync(id, details: false);
        if (run is null)
        {
            return UnknownRun(id);
        }
        if (RunStates.IsTerminal(run.State))
        {
            return Problem(StatusCodes.Status409Conflict, "Run already finished", $"Run {id} is {run.State}; only queued or running runs can be cancelled.");
        }
        await store.MarkCancelRequestedAsync(id);
        await publisher.Publish(new CancelTraining(id, "Cancelled through the tracker API", time.GetUtcNow()));
        // A queued run has no trainer to report back yet; a running one becomes cancelled when the trainer's RunCancelled arrives.
        await store.TransitionAsync(id, RunStates.Cancelled, [RunStates.Queued],
            new Dictionary<string, string> { ["reason"] = "Cancelled before training started" });
        return TypedResults.Accepted($"/runs/{id}", await store.GetAsync(id));
    }

    public static async Task<Results<Accepted<RunRecord>, ProblemHttpResult>> ResumeRun(
        Guid id, RunStore store, IPublishEndpoint publisher, TimeProvider time)
    {
        var run = await store.GetAsync(id);
        if (run is null)
        {
            return UnknownRun(id);
        }
        if (run.Config is not { } config || run.DatasetName is null || run.DatasetVersion is null || run.ModelName is null)
        {
            return Problem(StatusCodes.Status409Conflict, "Run cannot be resumed",
                $"Run {id} was logged through telemetry only; the tracker has no training configuration to resume it with.");
        }
        var (previous, launch) = await store.RequeueAsync(id);
        if (previous is not (RunStates.Failed or RunStates.Cancelled or RunStates.Pruned))
        {
            return Problem(StatusCodes.Status409Conflict, "Run cannot be resumed", $"Run {id} is {previous}; only failed, cancelled or pruned runs can be resumed.");
        }
        await publisher.Publish(new TrainModel(id, run.Experiment, run.DatasetName, run.DatasetVersion.Value, run.ModelName, config.GetRawText(), time.GetUtcNow(),
            Launch: launch));
        return TypedResults.Accepted($"/runs/{id}", await store.GetAsync(id));
    }

    public static ProblemHttpResult UnknownRun(Guid id) =>
        Problem(StatusCodes.Status404NotFound, "Run not found", $"There is no run {id}. List runs with GET /runs.");

    public static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
