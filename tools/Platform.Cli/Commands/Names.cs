using Platform.Contracts.Naming;

namespace Platform.Cli.Commands;

/// <summary>Names are checked here with the services' own rules, so a bad name fails before anything is sent.</summary>
internal static class Names
{
    public static string Checked(this NameRule rule, string? name) =>
        rule.Problem(name) is { } problem ? throw new CliException(ExitCodes.InvalidInput, problem) : name!;
}
