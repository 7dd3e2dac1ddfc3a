using System.Globalization;
using System.Text.Json;
using Platform.Cli.Rendering;
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
        var run = await GetRunAsync(context, id, cancellationToken);
        var totalEpochs = ConfiguredEpochs(run);
        var printed = 0L;
        var history = new Dictionary<string, List<double>>();

        async Task<bool> PollAsync(Action<string>? describe)
        {
            run = await GetRunAsync(context, id, cancellationToken);
            var done = CompletedEpochs(run);
            if (done > printed)
            {
                foreach (var line in await EpochLinesAsync(context, run, id, printed, done, totalEpochs, history, cancellationToken))
                {
                    context.Status.MarkupLine(line);
                }
                printed = done;
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
            context.Note($"watching run {id} ({run.Text("state")}, {totalEpochs} epochs configured)");
            var lastState = run.Text("state");
            while (!await PollAsync(null))
            {
                if (run.Text("state") != lastState)
                {
                    lastState = run.Text("state");
                    context.Note($"run {RunIds.Short(id)} is {lastState}");
                }
                await Task.Delay(PollInterval, cancellationToken);
            }
        }

        var state = run.Text("state");
        var model = state == "completed" ? await WaitForModelVersionAsync(context, run, id, cancellationToken) : null;
        if (context.Json)
        {
            context.WriteJson(new { run, model });
        }
        else
        {
            PrintOutcome(context, run, model, history);
        }
        return state == "completed" ? ExitCodes.Success : ExitCodes.Failed;
    }

    public static bool IsTerminal(JsonElement run) => run.Text("state") is "completed" or "failed" or "cancelled";

    private static async Task<JsonElement> GetRunAsync(CliContext context, Guid id, CancellationToken cancellationToken) =>
        await context.Tracker.GetJsonAsync($"/runs/{id}", cancellationToken);

    private static int ConfiguredEpochs(JsonElement run) =>
        run.Child("config") is { } config && config.Number("epochs") is { } epochs ? (int)epochs
        : run.Child("params") is { } parameters && parameters.Number("epochs") is { } fromParams ? (int)fromParams
        : 0;

    /// <summary>Epoch spans carry their 1-based epoch as the step, so the last step is the number of epochs done.</summary>
    private static long CompletedEpochs(JsonElement run) =>
        run.Items("curves").Where(c => c.Text("name") is "train_loss" or "val_accuracy").Select(c => c.GetProperty("lastStep").GetInt64()).DefaultIfEmpty(0).Max();

    private static async Task<List<string>> EpochLinesAsync(CliContext context, JsonElement run, Guid id, long from, long to, int totalEpochs,
        Dictionary<string, List<double>> history, CancellationToken cancellationToken)
    {
        var summaries = run.Items("curves").Where(c => c.Text("name") is { } name && EpochColumns.Contains(name)).ToDictionary(c => c.Text("name")!);
        var metrics = EpochColumns.Where(summaries.ContainsKey).ToList();
        var columns = new Dictionary<string, Dictionary<long, double>>();
        if (IsNextEpochOnly(summaries, metrics, from, to, history))
        {
            // The usual poll: one more epoch, whose values the run's curve summaries already carry; no curve needs reading.
            foreach (var metric in metrics)
            {
                var value = summaries[metric].GetProperty("lastValue").GetDouble();
                columns[metric] = new() { [to] = value };
                history.TryAdd(metric, []);
                history[metric].Add(value);
            }
        }
        else
        {
            foreach (var metric in metrics)
            {
                var curve = await context.Tracker.GetJsonAsync($"/runs/{id}/metrics/{metric}?full=true", cancellationToken);
                var steps = curve.Items("steps").Select(s => s.GetInt64()).ToList();
                var values = curve.Items("values").Select(v => v.GetDouble()).ToList();
                columns[metric] = steps.Zip(values).ToDictionary(p => p.First, p => p.Second);
                history[metric] = values;
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
    private static bool IsNextEpochOnly(Dictionary<string, JsonElement> summaries, List<string> metrics, long from, long to,
        Dictionary<string, List<double>> history) =>
        to == from + 1 && metrics.All(metric =>
            summaries[metric].GetProperty("lastStep").GetInt64() == to
            && summaries[metric].GetProperty("points").GetInt64() == (history.TryGetValue(metric, out var seen) ? seen.Count : 0) + 1);

    private static string Describe(JsonElement run, long done, int totalEpochs, Dictionary<string, List<double>> history)
    {
        var state = run.Text("state") ?? "";
        var accuracy = history.TryGetValue("val_accuracy", out var values) && values.Count > 1 ? " val_accuracy " + Sparkline.Render(values, 20) : "";
        return Markup.Escape($"{state} epoch {done}/{(totalEpochs > 0 ? totalEpochs : "?")}{accuracy}");
    }

    private static string Format(string metric, double value) =>
        metric == "lr" ? value.ToString("0.##e+0", CultureInfo.InvariantCulture) : value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static async Task<JsonElement?> WaitForModelVersionAsync(CliContext context, JsonElement run, Guid id, CancellationToken cancellationToken)
    {
        if (run.Text("modelName") is not { } modelName)
        {
            return null;
        }
        var deadline = DateTime.UtcNow + ModelRegistrationWait;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var model = await context.Tracker.GetJsonAsync($"/models/{Uri.EscapeDataString(modelName)}", cancellationToken);
                if (model.Items("versions").FirstOrDefault(v => v.GetProperty("runId").GetGuid() == id) is { ValueKind: JsonValueKind.Object } version)
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

    private static void PrintOutcome(CliContext context, JsonElement run, JsonElement? model, Dictionary<string, List<double>> history)
    {
        var console = context.Console;
        var id = run.GetProperty("id").GetGuid();
        var state = run.Text("state");
        var color = state == "completed" ? "green" : "red";
        var reason = run.Text("reason") is { Length: > 0 } why ? $": {why}" : "";
        console.MarkupLine($"[{color}]run {id} {Markup.Escape(state ?? "")}[/]{Markup.Escape(reason)}");
        if (history.Count > 0)
        {
            var table = new Table().AddColumns("Curve", "First", "Last", "Per epoch");
            foreach (var (metric, values) in history.Where(h => h.Value.Count > 0))
            {
                table.AddRow(Markup.Escape(metric), Format(metric, values[0]), Format(metric, values[^1]), Sparkline.Render(values));
            }
            console.Write(table);
        }
        if (run.Child("finalMetrics") is { ValueKind: JsonValueKind.Object } final && final.EnumerateObject().Any())
        {
            console.MarkupLineInterpolated($"final: {string.Join(", ", final.EnumerateObject().Select(m => $"{m.Name} {RunsCommands.Number(m.Value.GetDouble())}"))}");
        }
        if (model is { } version)
        {
            var name = version.Text("modelName");
            var number = version.GetProperty("version").GetInt32();
            console.MarkupLineInterpolated($"model [bold]{name} v{number}[/] registered; serve it with: platform models promote {name} {number} --alias production");
        }
    }
}
