namespace Platform.Cli.Http;

/// <summary>
/// Where the three HTTP services answer. Defaults are the ports the AppHost gives them on a developer machine
/// (services/*/Properties/launchSettings.json); environment variables or options point elsewhere.
/// </summary>
public sealed record ServiceEndpoints(Uri Ingest, Uri Tracker, Uri Inference)
{
    public const string IngestVariable = "PLATFORM_INGEST_URL";
    public const string TrackerVariable = "PLATFORM_TRACKER_URL";
    public const string InferenceVariable = "PLATFORM_INFERENCE_URL";

    public static readonly Uri DefaultIngest = new("http://localhost:5101");
    public static readonly Uri DefaultTracker = new("http://localhost:5102");
    public static readonly Uri DefaultInference = new("http://localhost:5103");

    public static Uri Resolve(string? option, string variable, Uri fallback)
    {
        var text = !string.IsNullOrWhiteSpace(option) ? option : Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliException(ExitCodes.InvalidInput, $"'{text}' is not an http(s) address (from {(string.IsNullOrWhiteSpace(option) ? variable : "the command line")}).");
        }
        return uri;
    }
}
