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
            SweepsCommands.Create(terminal),
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
