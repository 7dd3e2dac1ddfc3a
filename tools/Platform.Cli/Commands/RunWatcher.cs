using System.Globalization;
using System.Text.Json;
using Platform.Cli.Http;
using Platform.Cli.Rendering;
using Platform.Contracts.Models;
using Platform.Contracts.Runs;
using Platform.Training.Configuration;
using Spectre.Console;

namespace Platform.Cli.Commands;

/// <summary>
/// Follows a run until it ends: one line per finished epoch with its loss and accuracy, a progress bar over the
/// configured epochs, then the outcome and, for a completed run, the model version it registered.
/// </summary>
public static class RunWatcher
{
    private static readonly string[] EpochColumns = ["train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"];
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ModelRegistrationWait = TimeSpan.FromSeconds(60);

    public static async Task<int> WatchAsync(CliContext context, Guid id, CancellationToken cancellationToken)
    {
        var answer = await GetRunAsync(context, id, cancellationToken);
        var run = answer.Value;
        var totalEpochs = ConfiguredEpochs(run);
        var printed = 0L;
        var history = new Dictionary<string, List<double>>();
        var findings = new Dictionary<string, string>(StringComparer.Ordinal);

        async Task<bool> PollAsync(Action<string>? describe)
        {
            answer = await GetRunAsync(context, id, cancellationToken);
            run = answer.Value;
            var done = CompletedEpochs(run);
            if (done > printed)
            {
                foreach (var line in await EpochLinesAsync(context, run, id, printed, done, totalEpochs, history, cancellationToken))
                {
                    context.Status.MarkupLine(line);
                }
                printed = done;
            }
            foreach (var finding in run.Findings ?? [])
            {
                // A finding is printed when it appears and again when its severity or summary changes.
                var headline = FindingLines.Headline(finding);
                if (!findings.TryGetValue(finding.Id, out var shown) || shown != headline)
                {
                    findings[finding.Id] = headline;
                    context.Status.MarkupLine(headline);
                    if (finding.Remedies.Count > 0)
                    {
                        context.Status.MarkupLine(Markup.Escape($"  remedy: {FindingLines.Changes(finding.Remedies[0])} (platform runs remedy {RunIds.Short(id)} {finding.Id})"));
                    }
                }
            }
            describe?.Invoke(Describe(run, done, totalEpochs, history));
            return IsTerminal(run);
        }

        if (context.Interactive)
        {
            await context.Status.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"run {RunIds.Short(id)}", maxValue: Math.Max(1, totalEpochs));
                    while (!await PollAsync(text => task.Description = text))
                    {
                        task.Value = Math.Min(task.MaxValue, printed);
                        await Task.Delay(PollInterval, cancellationToken);
                    }
                    task.Value = task.MaxValue;
                });
        }
        else
        {
            context.Note($"watching run {id} ({run.State}, {totalEpochs} epochs configured)");
            var lastState = run.State;
            while (!await PollAsync(null))
            {
                if (run.State != lastState)
                {
                    lastState = run.State;
                    context.Note($"run {RunIds.Short(id)} is {lastState}");
                }
                await Task.Delay(PollInterval, cancellationToken);
            }
        }

        var model = run.State == RunStates.Completed ? await WaitForModelVersionAsync(context, run, id, cancellationToken) : null;
        if (context.Json)
        {
            context.WriteJson(new { run = answer.Json, model });
        }
        else
        {
            PrintOutcome(context, run, model, history);
        }
        return run.State == RunStates.Completed ? ExitCodes.Success : ExitCodes.Failed;
    }

    public static bool IsTerminal(RunRecord run) => RunStates.IsTerminal(run.State);

    private static async Task<ServiceAnswer<RunRecord>> GetRunAsync(CliContext context, Guid id, CancellationToken cancellationToken) =>
        await context.Tracker.GetAsync<RunRecord>($"/runs/{id}", cancellationToken);

    /// <summary>The run's configured epochs: from its training configuration, else from its recorded parameters; 0 when neither says.</summary>
    private static int ConfiguredEpochs(RunRecord run)
    {
        if (run.Config is { ValueKind: JsonValueKind.Object } config)
        {
            try
            {
                return TrainingConfig.FromJson(config.GetRawText()).Epochs;
            }
            catch (JsonException)
            {
                // A configuration this CLI does not know (a newer trainer's field): the parameters may still say.
            }
        }
        return run.Params.TryGetValue("epochs", out var epochs) && epochs.ValueKind == JsonValueKind.Number && epochs.TryGetInt32(out var count) ? count : 0;
    }

    /// <summary>Epoch spans carry their 1-based epoch as the step, so the last step is the number of epochs done.</summary>
    private static long CompletedEpochs(RunRecord run) =>
        run.Curves.Where(c => c.Name is "train_loss" or "val_accuracy").Select(c => c.LastStep).DefaultIfEmpty(0).Max();

    private static async Task<List<string>> EpochLinesAsync(CliContext context, RunRecord run, Guid id, long from, long to, int totalEpochs,
        Dictionary<string, List<double>> history, CancellationToken cancellationToken)
    {
        var summaries = run.Curves.Where(c => EpochColumns.Contains(c.Name)).ToDictionary(c => c.Name);
        var metrics = EpochColumns.Where(summaries.ContainsKey).ToList();
        var columns = new Dictionary<string, Dictionary<long, double>>();
        if (IsNextEpochOnly(summaries, metrics, from, to, history))
        {
            // The usual poll: one more epoch, whose values the run's curve summaries already carry; no curve needs reading.
            foreach (var metric in metrics)
            {
                var value = summaries[metric].LastValue;
                columns[metric] = new() { [to] = value };
                history.TryAdd(metric, []);
                history[metric].Add(value);
            }
        }
        else
        {
            foreach (var metric in metrics)
            {
                var curve = (await context.Tracker.GetAsync<Curve>($"/runs/{id}/metrics/{metric}?full=true", cancellationToken)).Value;
                columns[metric] = curve.Steps.Zip(curve.Values).ToDictionary(p => p.First, p => p.Second);
                history[metric] = [.. curve.Values];
            }
        }
        var lines = new List<string>();
        for (var epoch = from + 1; epoch <= to; epoch++)
        {
            var cells = columns.Where(c => c.Value.ContainsKey(epoch)).Select(c => $"{c.Key} {Format(c.Key, c.Value[epoch])}");
            var of = totalEpochs > 0 ? $"/{totalEpochs}" : "";
            lines.Add(Markup.Escape($"epoch {epoch}{of}  {string.Join("  ", cells)}"));
        }
        return lines;
    }

    /// <summary>
    /// True when exactly one epoch ended since the last poll and every column's curve reached it with exactly one point more than
    /// this watcher holds: then the latest values are that epoch's and the history stays whole by appending them.
    /// </summary>
    private static bool IsNextEpochOnly(Dictionary<string, MetricSummary> summaries, List<string> metrics, long from, long to,
        Dictionary<string, List<double>> history) =>
        to == from + 1 && metrics.All(metric =>
            summaries[metric].LastStep == to
            && summaries[metric].Points == (history.TryGetValue(metric, out var seen) ? seen.Count : 0) + 1);

    private static string Describe(RunRecord run, long done, int totalEpochs, Dictionary<string, List<double>> history)
    {
        var state = run.State;
        var accuracy = history.TryGetValue("val_accuracy", out var values) && values.Count > 1 ? " val_accuracy " + Sparkline.Render(values, 20) : "";
        return Markup.Escape($"{state} epoch {done}/{(totalEpochs > 0 ? totalEpochs : "?")}{accuracy}");
    }

    private static string Format(string metric, double value) =>
        metric == "lr" ? value.ToString("0.##e+0", CultureInfo.InvariantCulture) : value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static async Task<ModelVersion?> WaitForModelVersionAsync(CliContext context, RunRecord run, Guid id, CancellationToken cancellationToken)
    {
        if (run.ModelName is not { } modelName)
        {
            return null;
        }
        var deadline = DateTime.UtcNow + ModelRegistrationWait;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var model = await context.Tracker.GetAsync<RegisteredModel>($"/models/{Uri.EscapeDataString(modelName)}", cancellationToken);
                if (model.Value.Versions.FirstOrDefault(v => v.RunId == id) is { } version)
                {
                    return version;
                }
            }
            catch (CliException failure) when (failure.ExitCode == ExitCodes.NotFound)
            {
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
        context.Note($"the run completed but model {modelName} has no version from it after {ModelRegistrationWait.TotalSeconds:0} s; see: platform models list");
        return null;
    }

    private static void PrintOutcome(CliContext context, RunRecord run, ModelVersion? model, Dictionary<string, List<double>> history)
    {
        var console = context.Console;
        var color = run.State == RunStates.Completed ? "green" : "red";
        var reason = run.Reason is { Length: > 0 } why ? $": {why}" : "";
        console.MarkupLine($"[{color}]run {run.Id} {Markup.Escape(run.State)}[/]{Markup.Escape(reason)}");
        if (history.Count > 0)
        {
            var table = new Table().AddColumns("Curve", "First", "Last", "Per epoch");
            foreach (var (metric, values) in history.Where(h => h.Value.Count > 0))
            {
                table.AddRow(Markup.Escape(metric), Format(metric, values[0]), Format(metric, values[^1]), Sparkline.Render(values));
            }
            console.Write(table);
        }
        if (run.FinalMetrics.Count > 0)
        {
            console.MarkupLineInterpolated($"final: {string.Join(", ", run.FinalMetrics.Select(m => $"{m.Key} {RunsCommands.Number(m.Value)}"))}");
        }
        if (model is { } version)
        {
            var (name, number) = (version.ModelName, version.Version);
            console.MarkupLineInterpolated($"model [bold]{name} v{number}[/] registered; serve it with: platform models promote {name} {number} --alias production");
        }
    }
}
