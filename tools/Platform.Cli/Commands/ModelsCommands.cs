using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Platform.Contracts.Models;
using Platform.Contracts.Naming;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform models list | show | promote | shadow | status</c>: the tracker's registry (aliases, splits, shadows), and what the
/// inference service serves.
/// </summary>
public static class ModelsCommands
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create(Terminal terminal) => new("models", "Registered model versions and their aliases")
    {
        List(terminal),
        Show(terminal),
        Promote(terminal),
        Shadow(terminal),
        Status(terminal),
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
        var split = new Option<string?>("--split")
        {
            Description = "STABLE:CANARY weights in percent (e.g. 90:10): the alias's current version keeps STABLE, the promoted version gets CANARY; "
                + "promoting without --split sends it all traffic (also the rollback of a split)",
        };
        var noWait = new Option<bool>("--no-wait") { Description = "Do not wait for the inference service to load the version" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the inference service to serve the version", DefaultValueFactory = _ => 120 };
        var command = new Command("promote", "Point an alias at a version, or split its traffic with --split; the inference service loads it and swaps without dropping requests")
        {
            name, version, alias, split, noWait, timeout,
        };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var modelName = ResourceNames.Model.Checked(parse.GetValue(name));
            var aliasName = ResourceNames.Alias.Checked(parse.GetValue(alias));
            var weights = parse.GetValue(split) is { } text ? ParseSplit(text) : ((int Stable, int Canary)?)null;
            var number = await ResolveVersionAsync(context, modelName, parse.GetValue(version)!, cancellationToken);
            IReadOnlyList<VersionWeight> route = [new VersionWeight(number, 100)];
            if (weights is var (stable, canary))
            {
                var registered = await context.Tracker.GetAsync<RegisteredModel>($"/models/{Uri.EscapeDataString(modelName)}", cancellationToken);
                if (!registered.Value.Aliases.TryGetValue(aliasName, out var current))
                {
                    throw new CliException(ExitCodes.InvalidInput, $"'{aliasName}' points at no version of {modelName} yet: promote one without --split first.");
                }
                if (current == number)
                {
                    throw new CliException(ExitCodes.InvalidInput, $"'{aliasName}' already serves v{number}: a split needs another version.");
                }
                route = [new VersionWeight(current, stable), new VersionWeight(number, canary)];
            }
            var promoted = await context.Tracker.SendJsonAsync(HttpMethod.Put, $"/models/{Uri.EscapeDataString(modelName)}/aliases/{Uri.EscapeDataString(aliasName)}",
                route.Count == 1 ? new SetAliasRequest(number) : new SetAliasRequest(null, route), cancellationToken);
            var serving = !parse.GetValue(noWait) && await WaitUntilServedAsync(context, modelName, route, aliasName, TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken);
            var description = Describe(route);
            if (context.Json)
            {
                context.WriteJson(new { model = modelName, version = number, alias = aliasName, split = route, serving, promoted });
            }
            else
            {
                context.Console.MarkupLineInterpolated($"{modelName} {description} is now '{aliasName}'{(serving ? " and served by the inference service" : "")}.");
                if (serving)
                {
                    context.Console.MarkupLineInterpolated($"predict with: platform predict {modelName} image.png");
                }
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Shadow(Terminal terminal)
    {
        var name = new Argument<string>("model") { Description = "Model name" };
        var version = new Argument<string?>("version") { Description = "Version to mirror the alias's requests to, or latest (omit with --off)", Arity = ArgumentArity.ZeroOrOne };
        var alias = new Option<string>("--alias", "-a") { Description = "Alias whose requests are mirrored", DefaultValueFactory = _ => "production" };
        var off = new Option<bool>("--off") { Description = "Stop mirroring" };
        var command = new Command("shadow", "Mirror an alias's requests to a shadow version off the answer path; `models status` shows how often it agrees")
        {
            name, version, alias, off,
        };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var modelName = ResourceNames.Model.Checked(parse.GetValue(name));
            var aliasName = ResourceNames.Alias.Checked(parse.GetValue(alias));
            var path = $"/models/{Uri.EscapeDataString(modelName)}/aliases/{Uri.EscapeDataString(aliasName)}/shadow";
            JsonElement route;
            if (parse.GetValue(off))
            {
                route = await context.Tracker.SendJsonAsync(HttpMethod.Delete, path, null, cancellationToken);
            }
            else
            {
                var text = parse.GetValue(version) ?? throw new CliException(ExitCodes.InvalidInput, "Name the shadow version (or latest), or pass --off.");
                var number = await ResolveVersionAsync(context, modelName, text, cancellationToken);
                route = await context.Tracker.SendJsonAsync(HttpMethod.Put, path, new SetShadowRequest(number), cancellationToken);
            }
            if (context.Json)
            {
                context.WriteJson(route);
            }
            else
            {
                var shadow = route.GetProperty("shadow");
                context.Console.MarkupLineInterpolated($"{modelName}@{aliasName}: {(shadow.ValueKind == JsonValueKind.Number ? $"requests mirrored to v{shadow.GetInt32()}" : "no shadow")}.");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Status(Terminal terminal)
    {
        var name = new Argument<string>("model") { Description = "Model name" };
        var command = new Command("status", "What the inference service serves for a model: each alias's split and shadow, how often the shadow agrees, the loaded versions")
        {
            name,
        };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var modelName = ResourceNames.Model.Checked(parse.GetValue(name));
            var status = await context.Inference.GetAsync<InferenceStatus>("/status", cancellationToken);
            var served = status.Value.Models.FirstOrDefault(m => m.Name == modelName)
                ?? throw new CliException(ExitCodes.NotFound, $"The inference service at {context.Inference.BaseAddress} serves no model '{modelName}'.");
            if (context.Json)
            {
                context.WriteJson(served);
                return ExitCodes.Success;
            }
            var aliases = new Table().AddColumns("Alias", "Answers", "Shadow");
            foreach (var (alias, route) in (served.Routes ?? served.Aliases.ToDictionary(a => a.Key, a => new AliasRoute([new VersionWeight(a.Value, 100)], null))).OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                aliases.AddRow(Markup.Escape(alias), Describe(route.Versions), route.Shadow is { } shadow ? $"v{shadow}" : "-");
            }
            context.Console.Write(aliases);
            if (served.Shadows is { Count: > 0 } shadows)
            {
                var agreement = new Table().AddColumns("Alias", "Primary", "Shadow", "Compared", "Shed", "Top-1 agreement", "Mean |Δp|");
                foreach (var pair in shadows)
                {
                    agreement.AddRow(Markup.Escape(pair.Alias), $"v{pair.Primary}", $"v{pair.Shadow}", pair.Compared.ToString(), pair.Shed.ToString(),
                        pair.Compared == 0 ? "-" : pair.Top1Agreement.ToString("P1"), pair.Compared == 0 ? "-" : pair.MeanAbsProbabilityDifference.ToString("0.0000"));
                }
                context.Console.Write(agreement);
            }
            var versions = new Table().AddColumns("Version", "Run", "Queue", "Batches at once", "Intra-op threads");
            foreach (var version in served.Versions)
            {
                versions.AddRow($"v{version.Version}", RunIds.Short(version.RunId), version.QueueDepth.ToString(), version.ConcurrentBatches.ToString(), version.IntraOpThreads.ToString());
            }
            context.Console.Write(versions);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Reads STABLE:CANARY percentages, e.g. 90:10; they must be positive and sum to 100.</summary>
    public static (int Stable, int Canary) ParseSplit(string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], out var stable) && int.TryParse(parts[1], out var canary) && stable > 0 && canary > 0 && stable + canary == 100)
        {
            return (stable, canary);
        }
        throw new CliException(ExitCodes.InvalidInput, $"--split '{text}' is not STABLE:CANARY: two positive percentages that sum to 100, e.g. 90:10.");
    }

    private static string Describe(IReadOnlyList<VersionWeight> route) =>
        route.Count == 1 ? $"v{route[0].Version}" : string.Join(" / ", route.Select(v => $"v{v.Version} {v.Weight}%"));

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

    /// <summary>Waits until the inference service routes the alias exactly as asked (its /status lists it); throws on timeout.</summary>
    private static async Task<bool> WaitUntilServedAsync(CliContext context, string model, IReadOnlyList<VersionWeight> route, string alias, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var description = Describe(route);
        context.Note($"waiting for the inference service to serve {model} {description} as '{alias}'");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await context.Inference.GetAsync<InferenceStatus>("/status", cancellationToken);
            var served = status.Value.Models.FirstOrDefault(m => m.Name == model);
            // An inference service that reports no routes predates splits: its alias's single version is the route.
            var current = served?.Routes?.GetValueOrDefault(alias)?.Versions
                ?? (served is not null && served.Aliases.TryGetValue(alias, out var single) ? [new VersionWeight(single, 100)] : null);
            if (current is not null && current.SequenceEqual(route))
            {
                return true;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new CliException(ExitCodes.Unavailable,
                    $"{model} {description} was promoted to '{alias}', but the inference service at {context.Inference.BaseAddress} did not serve it within {timeout.TotalSeconds:0} s "
                    + "(its /status lists pending promotions; its log says why a version failed to load).");
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static double? Metric(ModelVersion version, string name) => version.Metrics.TryGetValue(name, out var value) ? value : null;
}
