using System.CommandLine;
using Platform.Cli.Commands;

namespace Platform.Cli;

/// <summary>The platform command: its command tree, and how a command's outcome becomes an exit code.</summary>
public static class PlatformCommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool interactive, CancellationToken cancellationToken = default)
    {
        var terminal = new Terminal(output, error, interactive);
        var root = new RootCommand("Platform: upload datasets, train and watch runs, promote models and predict — through the services' public APIs.")
        {
            GlobalOptions.Json,
            GlobalOptions.IngestUrl,
            GlobalOptions.TrackerUrl,
            GlobalOptions.InferenceUrl,
            DatasetsCommands.Create(terminal),
            RunsCommands.Create(terminal),
            ModelsCommands.Create(terminal),
            PredictCommand.Create(terminal),
            ConfigCommands.Create(terminal),
            StatusCommand.Create(terminal),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await terminal.ReportAsync(parse.GetValue(GlobalOptions.Json), ExitCodes.InvalidInput, string.Join("; ", parse.Errors.Select(e => e.Message)),
                [$"Run '{CommandPath(parse)} --help' for usage."]);
            return ExitCodes.InvalidInput;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var command = parse.CommandResult; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, command.Command.Name);
        }
        names[0] = "platform";
        return string.Join(' ', names);
    }
}

/// <summary>Where the commands write, and whether a person is watching.</summary>
public sealed record Terminal(TextWriter Output, TextWriter Error, bool Interactive)
{
    /// <summary>Runs a command body with a fresh context and turns its failures into one message and an exit code.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> Action(Func<ParseResult, CliContext, CancellationToken, Task<int>> body) =>
        async (parse, cancellationToken) =>
        {
            var json = parse.GetValue(GlobalOptions.Json);
            try
            {
                using var context = CliContext.From(parse, Output, Error, Interactive);
                return await body(parse, context, cancellationToken);
            }
            catch (CliException failure)
            {
                await ReportAsync(json, failure.ExitCode, failure.Message, failure.Details);
                return failure.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Error.WriteLineAsync("Interrupted.");
                return ExitCodes.Interrupted;
            }
            catch (Exception bug)
            {
                var debug = Environment.GetEnvironmentVariable("PLATFORM_DEBUG") is "1" or "true";
                await ReportAsync(json, ExitCodes.InternalError, $"unexpected {bug.GetType().Name}: {bug.Message}",
                    debug ? [bug.ToString()] : ["Set PLATFORM_DEBUG=1 for the stack trace, and please report it."]);
                return ExitCodes.InternalError;
            }
        };

    /// <summary>A failure as one message (and, with --json, as {"error": …} on standard output too), then its details.</summary>
    public async Task ReportAsync(bool json, int exitCode, string message, IReadOnlyList<string> details)
    {
        if (json)
        {
            await Output.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(new { error = new { exitCode, message, details } },
                System.Text.Json.JsonSerializerOptions.Web));
        }
        await Error.WriteLineAsync($"error: {message}");
        foreach (var detail in details)
        {
            await Error.WriteLineAsync($"  {detail}");
        }
    }
}
