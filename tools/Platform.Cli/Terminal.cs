using System.CommandLine;

namespace Platform.Cli;

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
