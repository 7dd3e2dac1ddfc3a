namespace Platform.Trainer.Jobs;

/// <summary>Settings of the trainer service (configuration section <c>Trainer</c>).</summary>
public sealed class TrainerOptions : ISelfValidatingOptions
{
    public const string SectionName = "Trainer";

    /// <summary>How long a job's lease lasts without a heartbeat; after that another trainer may take the run over. Default 60 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the owner renews its lease and looks for a cancel request. Default 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Local cache of dataset shards (verified by SHA-256). Default: under the temp directory.</summary>
    public string? CacheFolder { get; set; }

    /// <summary>How many validation images the ONNX parity gate compares. Default 64.</summary>
    public int ParityImages { get; set; } = 64;

    /// <summary>OTLP/HTTP endpoint of the tracker, e.g. http://tracker:8080; runs are reported there besides the dashboard.</summary>
    public string? TrackerOtlpEndpoint { get; set; }

    public string ResolvedCacheFolder => CacheFolder ?? Path.Combine(Path.GetTempPath(), "platform-trainer-cache");

    public IEnumerable<string> Violations()
    {
        if (HeartbeatInterval <= TimeSpan.Zero) yield return "Trainer:HeartbeatInterval must be positive.";
        if (LeaseDuration <= HeartbeatInterval * 2) yield return "Trainer:LeaseDuration must exceed two Trainer:HeartbeatInterval (a lease must survive a missed heartbeat).";
        if (ParityImages < 1) yield return "Trainer:ParityImages must be positive.";
        if (TrackerOtlpEndpoint is { Length: > 0 } endpoint
            && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var address) && address.Scheme is "http" or "https"))
        {
            yield return $"Trainer:TrackerOtlpEndpoint must be an absolute http(s) address (got '{endpoint}').";
        }
    }
}
