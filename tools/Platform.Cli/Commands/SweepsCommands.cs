using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Platform.Cli.Configuration;
using Platform.Contracts;
using Platform.Contracts.Sweeps;
using Platform.Sweeps;
using Spectre.Console;

namespace Platform.Cli.Commands;

/// <summary><c>platform sweeps create | list | show | stop</c>, against the tracker (docs/sweeps.md).</summary>
public static class SweepsCommands
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(2);

    public static Command Create(Terminal terminal) => new("sweeps", "Hyperparameter sweeps: start, follow, list and stop them")
    {
        CreateSweep(terminal),
        List(terminal),
        Show(terminal),
        Stop(terminal),
    };

    private static Command CreateSweep(Terminal terminal)
    {
        var config = new Option<string>("--config", "-c") { Description = "The sweep spec (.yaml, .yml or .json; docs/sweeps.md)", Required = true };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow the sweep until it ends (exit code 0 only if it completes)" };
        var command = new Command("create", "Validate a sweep spec here with the trainer's rules, then start it") { config, watch };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var path = parse.GetValue(config)!;
            SweepSpec? spec;
            try
            {
                spec = RunConfiguration.ReadObject(path).Deserialize<SweepSpec>(ContractJson.Options);
            }
            catch (JsonException exception)
            {
                throw new CliException(ExitCodes.InvalidInput, $"'{path}' is not a sweep spec: {exception.Message}");
            }
            var errors = SweepSpecValidator.Validate(spec, out _);
            if (errors.Count > 0)
            {
                throw new CliException(ExitCodes.InvalidInput, $"The sweep spec ({path}) is invalid.",
                    errors.SelectMany(e => e.Value.Select(message => $"{e.Key}: {message}")).ToList());
            }
            var created = await context.Tracker.SendAsync<SweepRecord>(HttpMethod.Post, "/sweeps", spec, cancellationToken);
            var sweep = created.Value;
            if (parse.GetValue(watch))
            {
                context.Note($"sweep {sweep.Id} started: {sweep.TrialsPlanned} trials, {spec!.Parallelism ?? 1} at a time");
                return await WatchAsync(context, sweep.Id, cancellationToken);
            }
            if (context.Json)
            {
                context.WriteJson(created.Json);
                return ExitCodes.Success;
            }
            context.Console.MarkupLineInterpolated($"sweep [bold]{sweep.Id}[/] started: {sweep.TrialsPlanned} trials (experiment {sweep.Spec.Experiment})");
            context.Console.MarkupLineInterpolated($"follow it with: platform sweeps show {sweep.Id}");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>A line for each trial that starts or ends, until the sweep ends; 0 only when it completes.</summary>
    private static async Task<int> WatchAsync(CliContext context, Guid id, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<int, string>();
        while (true)
        {
            var sweep = (await context.Tracker.GetAsync<SweepRecord>($"/sweeps/{id}", cancellationToken)).Value;
            foreach (var trial in sweep.Trials.Where(t => !seen.TryGetValue(t.Number, out var state) || state != t.State))
            {
                seen[trial.Number] = trial.State;
                context.Console.MarkupLineInterpolated(
                    $"trial {trial.Number} {trial.State} ({Parameters(trial)}){(trial.Objective is { } v ? $" {sweep.Spec.Objective?.Metric} {v:0.####}" : "")}{(trial.PrunedAtEpoch is { } e ? $" at epoch {e}" : "")}");
            }
            if (SweepStates.IsTerminal(sweep.State))
            {
                if (context.Json)
                {
                    context.WriteJson(sweep);
                }
                else if (sweep.Best is { } best)
                {
                    context.Console.MarkupLineInterpolated(
                        $"sweep {sweep.State}: best trial {best.Trial} (run {RunIds.Short(best.RunId)}) {sweep.Spec.Objective?.Metric} {best.Objective:0.####}, model version {best.ModelVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"}{(best.PromotedAlias is { } alias ? $", promoted to {alias}" : "")}; {sweep.EpochsTrained} epochs trained");
                }
                else
                {
                    context.Console.MarkupLineInterpolated($"sweep {sweep.State}: {sweep.Reason ?? "no trial completed"}");
                }
                return sweep.State == SweepStates.Completed ? ExitCodes.Success : ExitCodes.Failed;
            }
            await Task.Delay(WatchInterval, cancellationToken);
        }
    }

    private static string Parameters(SweepTrial trial) => string.Join(", ", trial.Parameters.Select(p => $"{p.Key}={p.Value.GetRawText()}"));

    private static Command List(Terminal terminal)
    {
        var command = new Command("list", "Every sweep, newest first");
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var sweeps = await context.Tracker.GetAsync<IReadOnlyList<SweepRecord>>("/sweeps", cancellationToken);
            if (context.Json)
            {
                context.WriteJson(sweeps.Json);
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("Sweep", "Experiment", "State", "Trials", "Epochs", "Best", "Created");
            foreach (var sweep in sweeps.Value)
            {
                table.AddRow(Markup.Escape(sweep.Id.ToString("D")), Markup.Escape(sweep.Spec.Experiment ?? ""), Markup.Escape(sweep.State),
                    $"{sweep.Trials.Count}/{sweep.TrialsPlanned}", sweep.EpochsTrained.ToString(CultureInfo.InvariantCulture),
                    sweep.Best is { } best ? Markup.Escape($"{best.Objective:0.####} (trial {best.Trial})") : "",
                    sweep.CreatedAt.ToLocalTime().ToString("g", CultureInfo.CurrentCulture));
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show(Terminal terminal)
    {
        var id = new Argument<Guid>("sweep") { Description = "The sweep's id" };
        var command = new Command("show", "A sweep's state, trials and best trial") { id };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var answer = await context.Tracker.GetAsync<SweepRecord>($"/sweeps/{parse.GetValue(id)}", cancellationToken);
            if (context.Json)
            {
                context.WriteJson(answer.Json);
                return ExitCodes.Success;
            }
            var sweep = answer.Value;
            context.Console.MarkupLineInterpolated($"sweep [bold]{sweep.Id}[/] {sweep.State}{(sweep.Reason is { } reason ? $": {reason}" : "")} — {sweep.Trials.Count}/{sweep.TrialsPlanned} trials, {sweep.EpochsTrained} epochs");
            var table = new Table().AddColumns("Trial", "Run", "State", "Parameters", sweep.Spec.Objective?.Metric ?? "objective", "Epochs", "Reason");
            foreach (var trial in sweep.Trials)
            {
                table.AddRow(trial.Number.ToString(CultureInfo.InvariantCulture), RunIds.Short(trial.RunId), Markup.Escape(trial.State), Markup.Escape(Parameters(trial)),
                    trial.Objective?.ToString("0.####", CultureInfo.InvariantCulture) ?? "", trial.EpochsTrained.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(trial.Reason ?? ""));
            }
            context.Console.Write(table);
            if (sweep.Best is { } best)
            {
                context.Console.MarkupLineInterpolated($"best: trial {best.Trial} (run {best.RunId}) {best.Objective:0.####}, model version {best.ModelVersion?.ToString(CultureInfo.InvariantCulture) ?? "none yet"}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Stop(Terminal terminal)
    {
        var id = new Argument<Guid>("sweep") { Description = "The sweep's id" };
        var command = new Command("stop", "Stop a running sweep: no more trials, and its queued and running trials are cancelled") { id };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var answer = await context.Tracker.SendAsync<SweepRecord>(HttpMethod.Post, $"/sweeps/{parse.GetValue(id)}/stop", null, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(answer.Json);
            }
            else
            {
                context.Console.MarkupLineInterpolated($"sweep {answer.Value.Id} {answer.Value.State}");
            }
            return ExitCodes.Success;
        }));
        return command;
    }
}
