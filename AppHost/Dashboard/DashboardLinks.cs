using Microsoft.Extensions.Configuration;

namespace Platform.AppHost.Dashboard;

/// <summary>
/// Gives the tracker the Aspire dashboard's address (the AppHost's own <c>ASPNETCORE_URLS</c>, where the dashboard's frontend
/// listens) so that a run's page links the run's trace there. Only in run mode: a published deployment has no Aspire dashboard,
/// and the tracker then shows no link.
/// </summary>
public static class DashboardLinks
{
    /// <summary>The tracker's setting (<c>Tracker:DashboardUrl</c>).</summary>
    public const string TrackerVariable = "Tracker__DashboardUrl";

    public static IResourceBuilder<ProjectResource> WithDashboardAddress(this IResourceBuilder<ProjectResource> tracker)
    {
        var builder = tracker.ApplicationBuilder;
        if (builder.ExecutionContext.IsRunMode && FrontendAddress(builder.Configuration) is { } address)
        {
            tracker.WithEnvironment(TrackerVariable, address);
        }
        return tracker;
    }

    /// <summary>The first http(s) address of <c>ASPNETCORE_URLS</c> (the launch profile's <c>applicationUrl</c>), or null.</summary>
    public static string? FrontendAddress(IConfiguration configuration) =>
        (configuration["ASPNETCORE_URLS"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");
}
