using Microsoft.Extensions.FileProviders;

namespace Platform.Tracker.Extensions;

/// <summary>
/// Serves the UI's browser libraries from where npm installed them (services/Tracker/node_modules, by scripts/setup.sh;
/// copied beside the built tracker), so the pages need no build step and nothing is fetched from the internet.
/// </summary>
internal static class BrowserLibraries
{
    /// <summary>uPlot's folder of distributed files, relative to the content root.</summary>
    public const string UPlotFolder = "node_modules/uplot/dist";

    public const string UPlotPath = "/lib/uplot";

    public static WebApplication UseBrowserLibraries(this WebApplication app)
    {
        var folder = Path.Combine(app.Environment.ContentRootPath, UPlotFolder);
        if (!Directory.Exists(folder))
        {
            // The API works without it; the pages then say that the chart library is missing.
            app.Logger.LogWarning("The chart library (uPlot) is not installed: run scripts/setup.sh, which installs it with npm; the UI draws no chart until then");
            return app;
        }
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(folder), RequestPath = UPlotPath });
        return app;
    }
}
