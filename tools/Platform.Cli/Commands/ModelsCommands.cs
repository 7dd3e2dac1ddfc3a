using System.CommandLine;
using Spectre.Console;
using Platform.Contracts.Models;
using Platform.Contracts.Naming;

namespace Platform.Cli.Commands;

/// <summary><c>platform models list | show | promote</c>: the tracker's registry, and the inference service's readiness.</summary>
public static class ModelsCommands
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create(Terminal terminal) => new("models", "Registered model versions and their aliases")
    {
        List(terminal),
        Show(terminal),
        Promote(terminal),
    };

    private static Command List(Terminal terminal)
    {
        var command = new Command("list", "Every registered model with its versions and aliases");
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var models = await context.Tracker.GetAsync<IReadOnlyList<RegisteredModel>>("/models", cancellationToken);
            if (context.Json)
            {
                context.WriteJson(models.Json);
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("Model", "Versions", "Aliases", "Latest", "Latest accuracy");
            foreach (var model in models.Value)
            {
                var latest = model.Versions.LastOrDefault();
                table.AddRow(Markup.Escape(model.Name), model.Versions.Count.ToString(),
                    Markup.Escape(string.Join(", ", model.Aliases.Select(a => $"{a.Key}→v{a.Value}"))),
                    latest is null ? "-" : $"v{latest.Version}",
                    RunsCommands.Number(latest is null ? null : Metric(latest, "accuracy")));
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show(Terminal terminal)
    {
        var name = new Argument<string>("model") { Description = "Model name" };
        var command = new Command("show", "A model's versions: run, dataset version, metrics, aliases") { name };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var model = await context.Tracker.GetAsync<RegisteredModel>($"/models/{Uri.EscapeDataString(parse.GetValue(name)!)}", cancellationToken);
            if (context.Json)
            {
                context.WriteJson(model.Json);
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("Version", "Aliases", "Run", "Dataset", "Accuracy", "Macro F1", "Trained");
            foreach (var version in model.Value.Versions)
            {
                table.AddRow($"v{version.Version}", Markup.Escape(string.Join(", ", version.Aliases)),
                    RunIds.Short(version.RunId), Markup.Escape($"{version.DatasetName}:{version.DatasetVersion}"),
                    RunsCommands.Number(Metric(version, "accuracy")), RunsCommands.Number(Metric(version, "macro_f1")),
                    version.TrainedAt.ToLocalTime().ToString("g"));
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Promote(Terminal terminal)
    {
        var name = new Argument<string>("model") { Description = "Model name" };
        var version = new Argument<string>("version") { Description = "Version number to promote, or latest" };
        var alias = new Option<string>("--alias", "-a") { Description = "Alias to point at the version", DefaultValueFactory = _ => "production" };
        var noWait = new Option<bool>("--no-wait") { Description = "Do not wait for the inference service to load the version" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the inference service to serve the version", DefaultValueFactory = _ => 120 };
        var command = new Command("promote", "Point an alias at a version; the inference service loads it and swaps without dropping requests")
        {
            name, version, alias, noWait, timeout,
        };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var modelName = ResourceNames.Model.Checked(parse.GetValue(name));
            var aliasName = ResourceNames.Alias.Checked(parse.GetValue(alias));
            var number = await ResolveVersionAsync(context, modelName, parse.GetValue(version)!, cancellationToken);
            var promoted = await context.Tracker.SendJsonAsync(HttpMethod.Put, $"/models/{Uri.EscapeDataString(modelName)}/aliases/{Uri.EscapeDataString(aliasName)}",
                new SetAliasRequest(number), cancellationToken);
            var serving = !parse.GetValue(noWait) && await WaitUntilServedAsync(context, modelName, number, aliasName, TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(new { model = modelName, version = number, alias = aliasName, serving, promoted });
            }
            else
            {
                context.Console.MarkupLineInterpolated($"{modelName} v{number} is now '{aliasName}'{(serving ? " and served by the inference service" : "")}.");
                if (serving)
                {
                    context.Console.MarkupLineInterpolated($"predict with: platform predict {modelName} image.png");
                }
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<int> ResolveVersionAsync(CliContext context, string model, string text, CancellationToken cancellationToken)
    {
        if (int.TryParse(text.TrimStart('v', 'V'), out var number) && number > 0)
        {
            return number;
        }
        if (!text.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException(ExitCodes.InvalidInput, $"'{text}' is not a version: give its number (e.g. 3) or latest.");
        }
        var registered = await context.Tracker.GetAsync<RegisteredModel>($"/models/{Uri.EscapeDataString(model)}", cancellationToken);
        return registered.Value.Versions.Select(v => v.Version).DefaultIfEmpty(0).Max() is > 0 and var latest
            ? latest
            : throw new CliException(ExitCodes.NotFound, $"Model '{model}' has no versions.");
    }

    /// <summary>Waits until the inference service serves the version under the alias (its /status lists it); throws on timeout.</summary>
    private static async Task<bool> WaitUntilServedAsync(CliContext context, string model, int version, string alias, TimeSpan timeout, CancellationToken cancellationToken)
    {
        context.Note($"waiting for the inference service to serve {model} v{version} as '{alias}'");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await context.Inference.GetAsync<InferenceStatus>("/status", cancellationToken);
            var served = status.Value.Models.FirstOrDefault(m => m.Name == model);
            if (served is not null && served.Aliases.TryGetValue(alias, out var current) && current == version)
            {
                return true;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new CliException(ExitCodes.Unavailable,
                    $"{model} v{version} was promoted to '{alias}', but the inference service at {context.Inference.BaseAddress} did not serve it within {timeout.TotalSeconds:0} s "
                    + "(its /status lists pending promotions; its log says why a version failed to load).");
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static double? Metric(ModelVersion version, string name) => version.Metrics.TryGetValue(name, out var value) ? value : null;
}
