namespace Platform.Tracker.Extensions;

/// <summary>What the web UI links to outside the tracker (section <c>Tracker</c>).</summary>
public sealed class TrackerUiOptions : ISelfValidatingOptions
{
    public const string SectionName = "Tracker";

    /// <summary>
    /// The Aspire dashboard's address (the AppHost sets <c>Tracker__DashboardUrl</c> in run mode). A run's page links
    /// <c>{DashboardUrl}/traces/detail/{run id}</c> (the run's trace id is its id); unset, the page shows no link.
    /// </summary>
    public string? DashboardUrl { get; set; }

    public IEnumerable<string> Violations()
    {
        if (!string.IsNullOrEmpty(DashboardUrl) && !(Uri.TryCreate(DashboardUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            yield return "Tracker:DashboardUrl must be an absolute http or https address (or unset).";
        }
    }
}
