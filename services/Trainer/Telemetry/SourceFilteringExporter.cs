using System.Diagnostics;
using OpenTelemetry;

namespace Platform.Trainer.Telemetry;

/// <summary>Passes on only the spans of one activity source.</summary>
public sealed class SourceFilteringExporter(string sourceName, BaseExporter<Activity> inner) : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        var kept = new List<Activity>();
        foreach (var activity in batch)
        {
            if (activity.Source.Name == sourceName)
            {
                kept.Add(activity);
            }
        }
        return kept.Count == 0 ? ExportResult.Success : inner.Export(new Batch<Activity>(kept.ToArray(), kept.Count));
    }

    protected override bool OnShutdown(int timeoutMilliseconds) => inner.Shutdown(timeoutMilliseconds);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
