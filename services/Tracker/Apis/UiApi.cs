using Microsoft.Extensions.Options;
using Platform.Tracker.Extensions;

namespace Platform.Tracker.Apis;

public static class UiApi
{
    public static IEndpointRouteBuilder MapUiApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ui/settings", GetSettings).WithTags("Web UI").WithName("GetUiSettings")
            .WithSummary("What the web UI links to: the Aspire dashboard's address (null when the tracker was not given one)");
        return app;
    }

    public static UiSettings GetSettings(IOptions<TrackerUiOptions> options) =>
        new(string.IsNullOrEmpty(options.Value.DashboardUrl) ? null : options.Value.DashboardUrl.TrimEnd('/'));
}
