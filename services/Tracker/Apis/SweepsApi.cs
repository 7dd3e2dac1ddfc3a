using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Sweeps;
using Platform.Sweeps;
using Platform.Tracker.Sweeps;

namespace Platform.Tracker.Apis;

/// <summary>Hyperparameter sweeps: a spec validated at once, trials as ordinary runs driven by the sweep controller (docs/sweeps.md).</summary>
public static class SweepsApi
{
    public static IEndpointRouteBuilder MapSweepsApi(this IEndpointRouteBuilder app)
    {
        var sweeps = app.MapGroup("/sweeps").WithTags("Sweeps");
        sweeps.MapPost("/", CreateSweep).WithName("CreateSweep")
            .WithSummary("Start a sweep: search space, method (grid, random, tpe), objective, maxTrials, parallelism, early stopping (asha, median)")
            .WithDescription("Invalid specs answer 400 with every problem, keyed by field; each parameter's values are checked with the trainer's rules, "
                + "and a dataset that is not published is refused before any trial starts.");
        sweeps.MapGet("/", ListSweeps).WithName("ListSweeps").WithSummary("Every sweep, newest first, with its trials and best trial");
        sweeps.MapGet("/{id:guid}", GetSweep).WithName("GetSweep").WithSummary("A sweep: state, trials (run, parameters, state, objective, epochs), best trial and its model version");
        sweeps.MapPost("/{id:guid}/stop", StopSweep).WithName("StopSweep").WithSummary("Stop a running sweep: starts no more trials and cancels those queued or running");
        return app;
    }

    public static async Task<Results<Created<SweepRecord>, ValidationProblem>> CreateSweep(
        SweepSpec? spec, SweepStore store, SweepReader reader, DatasetVersions datasets, SweepTelemetry telemetry, HttpContext context)
    {
        var errors = SweepSpecValidator.Validate(spec, out var definition);
        if (errors.Count > 0 || definition is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The sweep spec is invalid.");
        }
        if (await datasets.ResolveAsync(definition.DatasetName, definition.DatasetVersion, context.RequestAborted) is not { } version)
        {
            var which = definition.DatasetVersion is { } v ? $"version {v} of dataset '{definition.DatasetName}' is" : $"dataset '{definition.DatasetName}' has no version";
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["dataset"] = [$"{char.ToUpperInvariant(which[0])}{which[1..]} not published; no trial was started (upload it with platform datasets upload)."],
            }, title: "The sweep spec is invalid.");
        }
        var id = Guid.NewGuid();
        await store.CreateAsync(id, spec!, version, definition.TrialsPlanned);
        telemetry.Started(id, definition);
        return TypedResults.Created($"/sweeps/{id}", await reader.GetAsync(id));
    }

    public static async Task<Ok<IReadOnlyList<SweepRecord>>> ListSweeps(SweepStore store, SweepReader reader)
    {
        var sweeps = new List<SweepRecord>();
        foreach (var id in await store.ListAsync())
        {
            if (await reader.GetAsync(id) is { } sweep)
            {
                sweeps.Add(sweep);
            }
        }
        return TypedResults.Ok<IReadOnlyList<SweepRecord>>(sweeps);
    }

    public static async Task<Results<Ok<SweepRecord>, ProblemHttpResult>> GetSweep(Guid id, SweepReader reader) =>
        await reader.GetAsync(id) is { } sweep ? TypedResults.Ok(sweep) : UnknownSweep(id);

    public static async Task<Results<Accepted<SweepRecord>, ProblemHttpResult>> StopSweep(
        Guid id, SweepStore store, SweepReader reader, SweepDriver driver, SweepTelemetry telemetry)
    {
        var sweep = await store.GetAsync(id);
        if (sweep is null)
        {
            return UnknownSweep(id);
        }
        if (SweepStates.IsTerminal(sweep.State))
        {
            return RunsApi.Problem(StatusCodes.Status409Conflict, "Sweep already ended", $"Sweep {id} is {sweep.State}; only a running sweep can be stopped.");
        }
        // Stored first, and kept on the controller's list until its trials are cancelled: should this tracker die in between, the
        // controller makes the cancellations. Not cut short by a client that goes away, for the same reason.
        if (await store.EndAsync(id, SweepStates.Stopped, "Stopped through the tracker API", null, keepActive: true))
        {
            telemetry.Ended(id, SweepStates.Stopped, "Stopped through the tracker API");
        }
        await driver.FinishStopAsync(id, CancellationToken.None);
        return TypedResults.Accepted($"/sweeps/{id}", await reader.GetAsync(id));
    }

    private static ProblemHttpResult UnknownSweep(Guid id) =>
        RunsApi.Problem(StatusCodes.Status404NotFound, "Sweep not found", $"There is no sweep {id}. List sweeps with GET /sweeps.");
}
