using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Platform.Cli.Configuration;
using Platform.Cli.Http;
using Platform.Cli.Rendering;
using Spectre.Console;
using Platform.Contracts.Naming;

namespace Platform.Cli.Commands;

/// <summary><c>platform runs create | watch | list | show | compare | cancel | resume</c>, against the tracker.</summary>
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
            var request = new
            {
                dataset = new { name = reference.Name, version },
                modelName = ResourceNames.Model.Checked(parse.GetValue(model) ?? experimentName),
                config = body,
            };
            var run = await context.Tracker.SendJsonAsync(HttpMethod.Post, $"/experiments/{Uri.EscapeDataString(experimentName)}/runs", request, cancellationToken);
            var id = run.GetProperty("id").GetGuid();
            if (parse.GetValue(watch))
            {
                context.Note($"run {id} queued: {validated.Architecture}, {validated.Epochs} epochs on {reference.Name}:{version}");
                return await RunWatcher.WatchAsync(context, id, cancellationToken);
            }
            if (context.Json)
            {
                context.WriteJson(run);
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
            var runs = await context.Tracker.GetJsonAsync("/runs?" + string.Join('&', query), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(runs);
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("Run", "Experiment", "State", "Model", "Dataset", "val_accuracy", "val_loss", "Created");
            foreach (var run in runs.EnumerateArray())
            {
                var metrics = run.Child("metrics");
                table.AddRow(RunIds.Short(run.GetProperty("id").GetGuid()), Markup.Escape(run.Text("experiment") ?? ""), StateMarkup(run.Text("state")),
                    Markup.Escape(run.Text("modelName") ?? ""), Markup.Escape($"{run.Text("datasetName")}:{run.Child("datasetVersion")}"),
                    Number(metrics?.Number("val_accuracy")), Number(metrics?.Number("val_loss")),
                    run.GetProperty("createdAt").GetDateTimeOffset().ToLocalTime().ToString("g", CultureInfo.CurrentCulture));
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
            var run = await context.Tracker.GetJsonAsync($"/runs/{runId}", cancellationToken);
            if (context.Json)
            {
                context.WriteJson(run);
                return ExitCodes.Success;
            }
            var console = context.Console;
            console.MarkupLine($"run [bold]{runId}[/] {StateMarkup(run.Text("state"))}{Markup.Escape(run.Text("reason") is { Length: > 0 } why ? ": " + why : "")}");
            console.MarkupLineInterpolated($"experiment {run.Text("experiment")}, model {run.Text("modelName") ?? "-"}, dataset {run.Text("datasetName") ?? "-"}:{run.Child("datasetVersion")}, device {run.Text("device") ?? "-"}, attempt {run.GetProperty("attempt")}");
            var curves = new Table().AddColumns("Metric", "Points", "Last step", "Value", "Curve");
            foreach (var curve in run.Items("curves"))
            {
                var name = curve.Text("name")!;
                var points = await context.Tracker.GetJsonAsync($"/runs/{runId}/metrics/{Uri.EscapeDataString(name)}?maxPoints=40", cancellationToken);
                curves.AddRow(Markup.Escape(name), curve.GetProperty("points").ToString(), curve.GetProperty("lastStep").ToString(),
                    Number(curve.Number("lastValue")), Sparkline.Render(points.Items("values").Select(v => v.GetDouble()).ToList()));
            }
            console.Write(curves);
            if (run.Child("finalMetrics") is { } final && final.EnumerateObject().Any())
            {
                console.MarkupLineInterpolated($"final: {string.Join(", ", final.EnumerateObject().Select(m => $"{m.Name} {Number(m.Value.GetDouble())}"))}");
            }
            var parameters = run.Child("params")?.EnumerateObject().Select(p => $"{p.Name}={p.Value}").ToList() ?? [];
            if (parameters.Count > 0)
            {
                console.MarkupLineInterpolated($"params: {string.Join(" ", parameters)}");
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
            var comparison = await context.Tracker.GetJsonAsync(query, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(comparison);
                return ExitCodes.Success;
            }
            var table = new Table().AddColumn("");
            foreach (var id in runIds)
            {
                table.AddColumn(RunIds.Short(id));
            }
            foreach (var parameter in comparison.Items("parameters").Where(p => parse.GetValue(all) || p.GetProperty("differs").GetBoolean()))
            {
                var values = parameter.GetProperty("values");
                table.AddRow([Markup.Escape(parameter.Text("name") ?? ""),
                    .. runIds.Select(id => Markup.Escape(values.Child(id.ToString("D"))?.ToString() ?? "-"))]);
            }
            foreach (var metric in comparison.Items("metrics"))
            {
                var values = metric.GetProperty("values");
                var curves = metric.GetProperty("curves");
                table.AddRow([$"[bold]{Markup.Escape(metric.Text("metric") ?? "")}[/]", .. runIds.Select(id =>
                {
                    var key = id.ToString("D");
                    var curve = curves.Child(key) is { } c ? Sparkline.Render(c.Items("values").Select(v => v.GetDouble()).ToList(), 12) : "";
                    return $"{Number(values.Child(key) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : null)} {curve}";
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
            var run = await context.Tracker.SendJsonAsync(HttpMethod.Post, $"/runs/{runId}/cancel", body: null, cancellationToken);
            return Changed(context, run, run.Text("state") == "cancelled" ? "cancelled" : "asked to cancel");
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
            var run = await context.Tracker.SendJsonAsync(HttpMethod.Post, $"/runs/{runId}/resume", body: null, cancellationToken);
            return parse.GetValue(watch) ? await RunWatcher.WatchAsync(context, runId, cancellationToken) : Changed(context, run, "queued again");
        }));
        return command;
    }

    private static Argument<string> RunArgument() => new("run") { Description = "Run id, or a unique prefix of it" };

    private static int Changed(CliContext context, JsonElement run, string what)
    {
        if (context.Json)
        {
            context.WriteJson(run);
        }
        else
        {
            context.Console.MarkupLineInterpolated($"run {run.GetProperty("id").GetGuid()} {what} (state {run.Text("state")})");
        }
        return ExitCodes.Success;
    }

    private static string StateMarkup(string? state) => state switch
    {
        "completed" => "[green]completed[/]",
        "failed" => "[red]failed[/]",
        "cancelled" => "[yellow]cancelled[/]",
        "running" => "[blue]running[/]",
        _ => Markup.Escape(state ?? ""),
    };

    internal static string Number(double? value) => value switch
    {
        null => "-",
        { } v when Math.Abs(v) is >= 1e-3 and < 1e5 or 0 => v.ToString("0.####", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.###e+0", CultureInfo.InvariantCulture),
    };
}
