using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.Cli;
using Platform.Contracts.Runs;

namespace Platform.Cli.Tests;

/// <summary><c>runs show</c>, <c>runs watch</c> and <c>runs remedy</c> with the training doctor's findings, against a fake tracker.</summary>
public sealed class RunFindingsCommandTests
{
    private const string RunId = "7a1c2a9e-0b7d-4c55-9e1a-2d3f4b5c6d7e";
    private const string ChildId = "8b2c2a9e-0b7d-4c55-9e1a-2d3f4b5c6d7e";

    private static readonly RunFinding Overfitting = new("overfitting", FindingKinds.Overfitting, FindingSeverities.Warning,
        "Overfitting: validation loss rose for 3 epochs while training loss fell.",
        [new FindingEvidence("val_loss", CurveAxes.Epoch, 2, 5, [0.5, 0.6, 0.7, 0.8], "rose 3 epochs in a row")],
        [
            new FindingRemedy("Stronger weight decay.", new Dictionary<string, JsonElement> { ["weightDecay"] = JsonSerializer.SerializeToElement(0.05) }),
            new FindingRemedy("Label smoothing.", new Dictionary<string, JsonElement> { ["loss.labelSmoothing"] = JsonSerializer.SerializeToElement(0.1) }),
        ], 5, 50);

    private static RunRecord Run(string id, string state, IReadOnlyList<RunFinding>? findings = null, Guid? parent = null, string? remedyOf = null) =>
        new(Guid.Parse(id), "e", state, null, null, "pets", 1, null, DateTimeOffset.UnixEpoch, null, null, 1, false,
            new Dictionary<string, JsonElement>(), new Dictionary<string, double>(), new Dictionary<string, double>(), [], null, null, null,
            Findings: findings, ParentRunId: parent, RemedyOf: remedyOf);

    [Fact]
    public async Task Show_lists_each_finding_with_its_evidence_and_numbered_remedies_and_watch_prints_it_once()
    {
        // Watched: no finding at first, then the finding on two polls in a row, the second as the run completes.
        int polls = 0;
        bool watching = false;
        await using var tracker = await FakeService.StartAsync(routes =>
            routes.MapGet($"/runs/{RunId}", () => Interlocked.Increment(ref polls) switch
            {
                <= 1 when watching => Results.Json(Run(RunId, RunStates.Running), Platform.Contracts.ContractJson.Options),
                2 when watching => Results.Json(Run(RunId, RunStates.Running, [Overfitting]), Platform.Contracts.ContractJson.Options),
                _ => Results.Json(Run(RunId, RunStates.Completed, [Overfitting]), Platform.Contracts.ContractJson.Options),
            }));

        var shown = await CliRun.InProcessAsync("runs", "show", RunId, "--tracker-url", tracker.Address);
        (watching, polls) = (true, 0);
        var watched = await CliRun.InProcessAsync("runs", "watch", RunId, "--tracker-url", tracker.Address);

        Assert.True(shown.ExitCode == ExitCodes.Success, shown.ToString());
        Assert.Contains("finding overfitting (warning): Overfitting: validation loss rose", shown.Output);
        Assert.Contains("evidence: val_loss at epochs 2–5 [0.5, 0.6, 0.7, 0.8]: rose 3 epochs in a row", shown.Output);
        Assert.Contains("remedy 0: weightDecay=0.05", shown.Output);
        Assert.Contains("remedy 1: loss.labelSmoothing=0.1", shown.Output);
        Assert.Contains("apply: platform runs remedy 7a1c2a9e overfitting [--remedy N]", shown.Output);
        Assert.True(watched.ExitCode == ExitCodes.Success, watched.ToString());
        Assert.True(polls >= 3, $"{polls} polls");
        Assert.Single(watched.Error.Split('\n'), line => line.Contains("finding overfitting (warning): Overfitting: validation loss rose"));
        Assert.Contains("remedy: weightDecay=0.05 (platform runs remedy 7a1c2a9e overfitting)", watched.Error);
    }

    [Fact]
    public async Task Remedy_posts_the_chosen_remedy_and_names_the_new_run_and_its_parent()
    {
        string? asked = null;
        await using var tracker = await FakeService.StartAsync(routes =>
            routes.MapPost($"/runs/{RunId}/findings/{{finding}}/remedy", (string finding, int remedy) =>
            {
                asked = $"{finding}#{remedy}";
                return Results.Json(Run(ChildId, RunStates.Queued, parent: Guid.Parse(RunId), remedyOf: asked), Platform.Contracts.ContractJson.Options, statusCode: 201);
            }));

        var result = await CliRun.InProcessAsync("runs", "remedy", RunId, "overfitting", "--remedy", "1", "--tracker-url", tracker.Address);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("overfitting#1", asked);
        Assert.Contains($"run {ChildId} queued: overfitting#1 of run {RunId}", result.Output);
        Assert.Contains("platform runs compare 7a1c2a9e 8b2c2a9e", result.Output);
    }
}
