namespace Platform.Cli;

/// <summary>A failure to report to the user in one clear message, ending the command with <see cref="ExitCode"/>.</summary>
public sealed class CliException(int exitCode, string message, IReadOnlyList<string>? details = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>Further lines, e.g. one per invalid field.</summary>
    public IReadOnlyList<string> Details { get; } = details ?? [];
}
