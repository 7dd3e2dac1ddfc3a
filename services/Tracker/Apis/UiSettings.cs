namespace Platform.Tracker.Apis;

/// <summary>The answer of <c>GET /ui/settings</c>: the dashboard's address the run page links traces to, or null for no link.</summary>
public sealed record UiSettings(string? DashboardUrl);
