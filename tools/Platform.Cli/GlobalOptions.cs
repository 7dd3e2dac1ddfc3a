using System.CommandLine;
using Platform.Cli.Http;

namespace Platform.Cli;

/// <summary>Options every command takes.</summary>
public static class GlobalOptions
{
    public static readonly Option<bool> Json = new("--json") { Description = "Print the result as JSON on standard output (for scripts)", Recursive = true };

    public static readonly Option<string?> IngestUrl = new("--ingest-url")
    {
        Description = $"Ingest service address (default ${ServiceEndpoints.IngestVariable} or {ServiceEndpoints.DefaultIngest})",
        Recursive = true,
    };

    public static readonly Option<string?> TrackerUrl = new("--tracker-url")
    {
        Description = $"Tracker service address (default ${ServiceEndpoints.TrackerVariable} or {ServiceEndpoints.DefaultTracker})",
        Recursive = true,
    };

    public static readonly Option<string?> InferenceUrl = new("--inference-url")
    {
        Description = $"Inference service address (default ${ServiceEndpoints.InferenceVariable} or {ServiceEndpoints.DefaultInference})",
        Recursive = true,
    };
}
