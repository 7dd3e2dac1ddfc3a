using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Runs;
using Platform.Tracker.Runs;

namespace Platform.Tracker.Apis;

/// <summary>The training doctor's findings on a run, and remedy runs: the same run again with one finding's remedy applied.</summary>
public static class FindingsApi
{
    public static IEndpointRouteBuilder MapFindingsApi(this IEndpointRouteBuilder app)
    {
        var findings = app.MapGroup("/runs/{id:guid}/findings").WithTags("Findings");
        findings.MapGet("/", ListFindings).WithName("ListFindings")
            .WithSummary("The training doctor's findings on a run: kind, severity, evidence and remedies as configuration changes");
        findings.MapPost("/{finding}/remedy", StartRemedyRun).WithName("StartRemedyRun")
            .WithSummary("Start a new run with a finding's remedy applied (remedy=index, default 0), linked to its parent run")
            .WithDescription("The new run has the parent's dataset, model name and configuration with exactly the remedy's fields changed, "
                + "so GET /runs/compare?ids=parent,child shows only those. It records parentRunId and remedyOf (finding#remedy).");
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<RunFinding>>, ProblemHttpResult>> ListFindings(Guid id, RunStore store) =>
        await store.GetAsync(id) is { } run
            ? TypedResults.Ok(run.Findings ?? [])
            : RunsApi.UnknownRun(id);

    public static async Task<Results<Created<RunRecord>, ValidationProblem, ProblemHttpResult>> StartRemedyRun(
        Guid id, string finding, int? remedy, RunStore store, RunLauncher launcher, HttpContext context)
    {
        var run = await store.GetAsync(id);
        if (run is null)
        {
            return RunsApi.UnknownRun(id);
        }
        var found = run.Findings?.FirstOrDefault(f => string.Equals(f.Id, finding, StringComparison.OrdinalIgnoreCase));
        if (found is null)
        {
            var known = run.Findings is { Count: > 0 } list ? "Its findings: " + string.Join(", ", list.Select(f => f.Id)) + "." : "It has no findings.";
            return RunsApi.Problem(StatusCodes.Status404NotFound, "Finding not found", $"Run {id} has no finding '{finding}'. {known}");
        }
        int index = remedy ?? 0;
        if (index < 0 || index >= found.Remedies.Count)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["remedy"] = [$"remedy must be between 0 and {found.Remedies.Count - 1}: the finding '{found.Id}' has {found.Remedies.Count} remedies."],
            }, title: "The remedy request is invalid.");
        }
        if (run.Config is not { } config || run.DatasetName is null || run.DatasetVersion is null || run.ModelName is null)
        {
            return RunsApi.Problem(StatusCodes.Status409Conflict, "Run cannot be remedied",
                $"Run {id} was logged through telemetry only; the tracker has no training configuration to change.");
        }
        var request = new CreateRunRequest(new RunDataset(run.DatasetName, run.DatasetVersion), run.ModelName,
            RemedyConfig.Apply(config, found.Remedies[index]));
        return await RunsApi.StartRunAsync(run.Experiment, request, new RunLineage(ParentRunId: id, RemedyOf: $"{found.Id}#{index}"), launcher, context);
    }
}
