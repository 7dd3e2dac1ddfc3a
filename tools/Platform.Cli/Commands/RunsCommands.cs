using System.CommandLine;
using System.Globalization;
using Platform.Cli.Configuration;
using Platform.Cli.Http;
using Platform.Cli.Rendering;
using Spectre.Console;
using Platform.Contracts.Naming;
using Platform.Contracts.Runs;

namespace Platform.Cli.Commands;

/// <summary><c>platform runs create | watch | list | show | compare | cancel | resume | remedy | tensorboard</c>, against the tracker.</summary>
public static class RunsCommands
{
    public static Command Create(Terminal terminal) => new("runs", "Start, follow, compare, cancel and resume training runs")
    {
        CreateRun(terminal),
        Watch(terminal),
        List(terminal),
        Show(terminal),
        Compare(terminal),
        Cancel(terminal),
        Resume(terminal),
        Remedy(terminal),
        TensorBoard(terminal),
    };

    private static Command CreateRun(Terminal terminal)
    {
        var experiment = new Option<string>("--experiment", "-e") { Description = "Experiment the run belongs to", Required = true };
        var dataset = new Option<string>("--dataset", "-d") { Description = "Dataset as name:version, or name for its latest published version", Required = true };
        var model = new Option<string?>("--model", "-m") { Description = "Registry name of the model the run produces (default: the experiment name)" };
        var config = new Option<string?>("--config", "-c") { Description = "Training configuration file (.json, .yaml or .yml); fields left out take their defaults" };
        var set = new Option<string[]>("--set") { Description = "Override a field: key=value, dotted for nested fields (--set lr=3e-4 --set loss.kind=focal)", AllowMultipleArgumentsPerToken = false };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow the run until it ends (exit code 0 only if it completes)" };
        var command = new Command("create", "Validate a training configuration here, then start a run with it") { experiment, dataset, model, config, set, watch };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var (body, validated) = RunConfiguration.Load(parse.GetValue(config), parse.GetValue(set) ?? []);
            var reference = DatasetReference.Parse(parse.GetValue(dataset)!);
            var version = await reference.ResolveVersionAsync(context.Ingest, cancellationToken);
            var experimentName = ResourceNames.Experiment.Checked(parse.GetValue(experiment));
            var request = new CreateRunRequest(new RunDataset(reference.Name, version), ResourceNames.Model.Checked(parse.GetValue(model) ?? experimentName),
                System.Text.Json.JsonSerializer.SerializeToElement(body));
            var run = await context.Tracker.SendAsync<RunRecord>(HttpMethod.Post, $"/experiments/{Uri.EscapeDataString(experimentName)}/runs", request, cancellationToken);
            var id = run.Value.Id;
            if (parse.GetValue(watch))
            {
                context.Note($"run {id} queued: {validated.Architecture}, {validated.Epochs} epochs on {reference.Name}:{version}");
                return await RunWatcher.WatchAsync(context, id, cancellationToken);
            }
            if (context.Json)
            {
                context.WriteJson(run.Json);
            }
            else
            {
                context.Console.MarkupLineInterpolated($"run [bold]{id}[/] queued: {validated.Architecture}, {validated.Epochs} epochs on {reference.Name}:{version} (experiment {experimentName})");
                context.Console.MarkupLineInterpolated($"follow it with: platform runs watch {RunIds.Short(id)}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Watch(Terminal terminal)
    {
        var id = RunArgument();
        var command = new Command("watch", "Follow a run: a line per epoch with loss and accuracy, then its outcome (exit code 0 only if it completes)") { id };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
            await RunWatcher.WatchAsync(context, await RunIds.ResolveAsync(parse.GetValue(id)!, context.Tracker, cancellationToken), cancellationToken)));
        return command;
    }

    private static Command List(Terminal terminal)
    {
        var experiment = new Option<string?>("--experiment", "-e") { Description = "Only this experiment's runs" };
        var filter = new Option<string?>("--filter") { Description = "e.g. \"metrics.val_accuracy > 0.9 and params.optimizer.kind = 'adamw'\"" };
        var orderBy = new Option<string?>("--order-by") { Description = "e.g. \"metrics.val_accuracy desc\" (default: newest first)" };
        var limit = new Option<int>("--limit") { Description = "At most this many runs", DefaultValueFactory = _ => 20 };
        var command = new Command("list", "Search runs") { experiment, filter, orderBy, limit };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var query = new List<string> { $"limit={parse.GetValue(limit)}" };
            foreach (var (key, value) in new[] { ("experiment", parse.GetValue(experiment)), ("filter", parse.GetValue(filter)), ("orderBy", parse.GetValue(orderBy)) })
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    query.Add($"{key}={Uri.EscapeDataString(value)}");
                }
            }
            var runs = await context.Tracker.GetAsync<IReadOnlyList<RunRecord>>("/runs?" + string.Join('&', query), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(runs.Json);
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("Run", "Experiment", "State", "Model", "Dataset", "val_accuracy", "val_loss", "Created");
            foreach (var run in runs.Value)
            {
                table.AddRow(RunIds.Short(run.Id), Markup.Escape(run.Experiment), StateMarkup(run.State),
                    Markup.Escape(run.ModelName ?? ""), Markup.Escape($"{run.DatasetName}:{run.DatasetVersion}"),
                    Number(Metric(run.Metrics, "val_accuracy")), Number(Metric(run.Metrics, "val_loss")),
                    run.CreatedAt.ToLocalTime().ToString("g", CultureInfo.CurrentCulture));
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show(Terminal terminal)
    {
        var id = RunArgument();
        var command = new Command("show", "A run's state, parameters, metrics and curves") { id };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var runId = await RunIds.ResolveAsync(parse.GetValue(id)!, context.Tracker, cancellationToken);
            var answer = await context.Tracker.GetAsync<RunRecord>($"/runs/{runId}", cancellationToken);
            if (context.Json)
            {
                context.WriteJson(answer.Json);
                return ExitCodes.Success;
            }
            var run = answer.Value;
            var console = context.Console;
            console.MarkupLine($"run [bold]{runId}[/] {StateMarkup(run.State)}{Markup.Escape(run.Reason is { Length: > 0 } why ? ": " + why : "")}");
            console.MarkupLineInterpolated($"experiment {run.Experiment}, model {run.ModelName ?? "-"}, dataset {run.DatasetName ?? "-"}:{run.DatasetVersion}, device {run.Device ?? "-"}, attempt {run.Attempt}");
            var curves = new Table().AddColumns("Metric", "Points", "Last step", "Value", "Curve");
            foreach (var curve in run.Curves)
            {
                var points = await context.Tracker.GetAsync<Curve>($"/runs/{runId}/metrics/{Uri.EscapeDataString(curve.Name)}?maxPoints=40", cancellationToken);
                curves.AddRow(Markup.Escape(curve.Name), curve.Points.ToString(), curve.LastStep.ToString(),
                    Number(curve.LastValue), Sparkline.Render(points.Value.Values));
            }
            console.Write(curves);
            if (run.FinalMetrics.Count > 0)
            {
                console.MarkupLineInterpolated($"final: {string.Join(", ", run.FinalMetrics.Select(m => $"{m.Key} {Number(m.Value)}"))}");
            }
            var parameters = run.Params.Select(p => $"{p.Key}={p.Value}").ToList();
            if (parameters.Count > 0)
            {
                console.MarkupLineInterpolated($"params: {string.Join(" ", parameters)}");
            }
            if (run.ParentRunId is { } parent)
            {
                console.MarkupLineInterpolated($"remedy run of {parent} ({run.RemedyOf}); see the change: platform runs compare {RunIds.Short(parent)} {RunIds.Short(runId)}");
            }
            foreach (var line in (run.Findings ?? []).SelectMany(f => FindingLines.Details(f, runId)))
            {
                console.MarkupLine(line);
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Compare(Terminal terminal)
    {
        var ids = new Argument<string[]>("runs") { Description = "Two or more run ids (or unique prefixes)", Arity = new ArgumentArity(2, 20) };
        var metrics = new Option<string?>("--metrics") { Description = "Metrics to compare, comma-separated (default: every curve)" };
        var all = new Option<bool>("--all-params") { Description = "Also list the parameters that are the same in every run" };
        var command = new Command("compare", "Parameters that differ and metrics side by side") { ids, metrics, all };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var runIds = new List<Guid>();
            foreach (var text in parse.GetValue(ids)!)
            {
                runIds.Add(await RunIds.ResolveAsync(text, context.Tracker, cancellationToken));
            }
            var query = $"/runs/compare?ids={string.Join(',', runIds)}&maxPoints=40";
            if (parse.GetValue(metrics) is { Length: > 0 } chosen)
            {
                query += "&metrics=" + Uri.EscapeDataString(chosen);
            }
            var answer = await context.Tracker.GetAsync<RunComparison>(query, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(answer.Json);
                return ExitCodes.Success;
            }
            var comparison = answer.Value;
            var table = new Table().AddColumn("");
            foreach (var id in runIds)
            {
                table.AddColumn(RunIds.Short(id));
            }
            foreach (var parameter in comparison.Parameters.Where(p => parse.GetValue(all) || p.Differs))
            {
                table.AddRow([Markup.Escape(parameter.Name),
                    .. runIds.Select(id => Markup.Escape(parameter.Values.GetValueOrDefault(id) ?? "-"))]);
            }
            foreach (var metric in comparison.Metrics)
            {
                table.AddRow([$"[bold]{Markup.Escape(metric.Metric)}[/]", .. runIds.Select(id =>
                {
                    var curve = metric.Curves.TryGetValue(id, out var points) ? Sparkline.Render(points.Values, 12) : "";
                    return $"{Number(metric.Values.GetValueOrDefault(id))} {curve}";
                })]);
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Cancel(Terminal terminal)
    {
        var id = RunArgument();
        var command = new Command("cancel", "Cancel a queued or running run (the trainer stops within one batch)") { id };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var runId = await RunIds.ResolveAsync(parse.GetValue(id)!, context.Tracker, cancellationToken);
            var run = await context.Tracker.SendAsync<RunRecord>(HttpMethod.Post, $"/runs/{runId}/cancel", body: null, cancellationToken);
            return Changed(context, run, run.Value.State == RunStates.Cancelled ? "cancelled" : "asked to cancel");
        }));
        return command;
    }

    private static Command Resume(Terminal terminal)
    {
        var id = RunArgument();
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow the run until it ends" };
        var command = new Command("resume", "Resume a failed or cancelled run from its last checkpoint, under the same id") { id, watch };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var runId = await RunIds.ResolveAsync(parse.GetValue(id)!, context.Tracker, cancellationToken);
            var run = await context.Tracker.SendAsync<RunRecord>(HttpMethod.Post, $"/runs/{runId}/resume", body: null, cancellationToken);
            return parse.GetValue(watch) ? await RunWatcher.WatchAsync(context, runId, cancellationToken) : Changed(context, run, "queued again");
        }));
        return command;
    }

    private static Command Remedy(Terminal terminal)
    {
        var id = RunArgument();
        var finding = new Argument<string>("finding") { Description = "The finding's id, as runs show lists it (e.g. overfitting)" };
        var remedy = new Option<int>("--remedy", "-r") { Description = "Which of the finding's remedies to apply (runs show numbers them)", DefaultValueFactory = _ => 0 };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow the new run until it ends" };
        var command = new Command("remedy", "Start the run again with one finding's remedy applied: the same dataset, model and configuration but the remedy's fields, linked to its parent")
        {
            id, finding, remedy, watch,
        };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var runId = await RunIds.ResolveAsync(parse.GetValue(id)!, context.Tracker, cancellationToken);
            var name = parse.GetValue(finding)!;
            var run = await context.Tracker.SendAsync<RunRecord>(HttpMethod.Post,
                $"/runs/{runId}/findings/{Uri.EscapeDataString(name)}/remedy?remedy={parse.GetValue(remedy)}", body: null, cancellationToken);
            var child = run.Value.Id;
            if (parse.GetValue(watch))
            {
                context.Note($"run {child} queued: {run.Value.RemedyOf} of run {runId}");
                return await RunWatcher.WatchAsync(context, child, cancellationToken);
            }
            if (context.Json)
            {
                context.WriteJson(run.Json);
            }
            else
            {
                context.Console.MarkupLineInterpolated($"run [bold]{child}[/] queued: {run.Value.RemedyOf} of run {runId}");
                context.Console.MarkupLineInterpolated($"see the change: platform runs compare {RunIds.Short(runId)} {RunIds.Short(child)}; follow it: platform runs watch {RunIds.Short(child)}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command TensorBoard(Terminal terminal)
    {
        var id = RunArgument();
        var output = new Option<string>("--out", "-o") { Description = "Log directory to write into (each run in a folder named by its id)", DefaultValueFactory = _ => "tensorboard" };
        var command = new Command("tensorboard", "Download a run's TensorBoard event files (the trainer's with tensorboard.enabled, else the tracker's curves) for tensorboard --logdir")
        {
            id, output,
        };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var runId = await RunIds.ResolveAsync(parse.GetValue(id)!, context.Tracker, cancellationToken);
            var directory = Path.GetFullPath(parse.GetValue(output)!);
            using var response = await context.Tracker.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, context.Tracker.Address($"/runs/{runId}/tensorboard")),
                ServiceClient.DefaultTimeout, retryWhenBusy: true, cancellationToken);
            await using var archive = await response.Content.ReadAsStreamAsync(cancellationToken);
            var files = await TensorBoardArchive.ExtractAsync(archive, directory, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(System.Text.Json.JsonSerializer.SerializeToElement(new { run = runId, directory, files }, Platform.Contracts.ContractJson.Options));
            }
            else
            {
                context.Console.MarkupLineInterpolated($"{files.Count} event file(s) of run {runId} in {directory}");
                context.Console.MarkupLineInterpolated($"view them: tensorboard --logdir {directory}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Argument<string> RunArgument() => new("run") { Description = "Run id, or a unique prefix of it" };

    private static int Changed(CliContext context, ServiceAnswer<RunRecord> run, string what)
    {
        if (context.Json)
        {
            context.WriteJson(run.Json);
        }
        else
        {
            context.Console.MarkupLineInterpolated($"run {run.Value.Id} {what} (state {run.Value.State})");
        }
        return ExitCodes.Success;
    }

    internal static string StateMarkup(string? state) => state switch
    {
        RunStates.Completed => "[green]completed[/]",
        RunStates.Failed => "[red]failed[/]",
        RunStates.Cancelled => "[yellow]cancelled[/]",
        RunStates.Running => "[blue]running[/]",
        _ => Markup.Escape(state ?? ""),
    };

    internal static double? Metric(IReadOnlyDictionary<string, double> metrics, string name) => metrics.TryGetValue(name, out var value) ? value : null;

    internal static string Number(double? value) => value switch
    {
        null => "-",
        { } v when Math.Abs(v) is >= 1e-3 and < 1e5 or 0 => v.ToString("0.####", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.###e+0", CultureInfo.InvariantCulture),
    };
}
