using Platform.Contracts.Runs;
using Spectre.Console;

namespace Platform.Cli.Commands;

/// <summary>How the CLI prints the training doctor's findings: severity and summary, evidence, then each remedy as its configuration change.</summary>
public static class FindingLines
{
    public static string Severity(string severity) => severity switch
    {
        FindingSeverities.Critical => "[red]critical[/]",
        FindingSeverities.Warning => "[yellow]warning[/]",
        _ => Markup.Escape(severity),
    };

    /// <summary>The one-line headline, as <c>runs watch</c> prints it when a finding appears or changes.</summary>
    public static string Headline(RunFinding finding) =>
        $"finding [bold]{Markup.Escape(finding.Id)}[/] ({Severity(finding.Severity)}): {Markup.Escape(finding.Summary)}";

    /// <summary>A remedy's changes as <c>field=value</c> pairs.</summary>
    public static string Changes(FindingRemedy remedy) =>
        string.Join(" ", remedy.Changes.Select(c => $"{c.Key}={c.Value.GetRawText()}"));

    /// <summary>Every line of a finding, as <c>runs show</c> prints it.</summary>
    public static IEnumerable<string> Details(RunFinding finding, Guid runId)
    {
        yield return Headline(finding);
        foreach (var evidence in finding.Evidence)
        {
            var range = evidence.From == evidence.To ? $"{evidence.Axis} {evidence.From}" : $"{evidence.Axis}s {evidence.From}–{evidence.To}";
            var values = evidence.Values.Count > 0 ? " [" + string.Join(", ", evidence.Values.Select(v => RunsCommands.Number(v))) + "]" : "";
            yield return Markup.Escape($"  evidence: {evidence.Metric} at {range}{values}: {evidence.Note}");
        }
        for (int i = 0; i < finding.Remedies.Count; i++)
        {
            yield return Markup.Escape($"  remedy {i}: {Changes(finding.Remedies[i])} — {finding.Remedies[i].Description}");
        }
        if (finding.Remedies.Count > 0)
        {
            yield return Markup.Escape($"  apply: platform runs remedy {RunIds.Short(runId)} {finding.Id}" + (finding.Remedies.Count > 1 ? " [--remedy N]" : ""));
        }
    }
}
