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

    /// <summary>
    /// Where training telemetry for the tracker waits until the tracker acknowledges it. Default
    /// <c>$TMPDIR/platform-trainer-telemetry</c>; what a killed trainer left there is sent by the next one.
    /// </summary>
    public string? TelemetrySpoolFolder { get; set; }

    /// <summary>Most bytes of unacknowledged telemetry kept on disk; beyond it the oldest batches are dropped (and logged). Default 256 MiB.</summary>
    public long TelemetrySpoolMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Longest a run's outcome (ModelTrained, RunFailed, RunCancelled) waits for the tracker to acknowledge the run's telemetry, so
    /// that no outcome is announced before its points are stored. Default 15 min; after it the outcome goes anyway and the points
    /// follow once the tracker is back.
    /// </summary>
    public TimeSpan OutcomeTelemetryWait { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a run waits for unreachable blob storage (checkpoint, lease renewal, package, outcome) before giving the
    /// run back to the queue. Default 10 min.
    /// </summary>
    public TimeSpan StorageOutageTolerance { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Longest a sweep's trial waits after a rung epoch for the early-stopping verdict before it goes on anyway (a tracker that is
    /// away must not hold trainers for ever). Default 10 min.
    /// </summary>
    public TimeSpan RungVerdictTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public string ResolvedTelemetrySpoolFolder => TelemetrySpoolFolder ?? Path.Combine(Path.GetTempPath(), "platform-trainer-telemetry");

    public string ResolvedCacheFolder => CacheFolder ?? Path.Combine(Path.GetTempPath(), "platform-trainer-cache");

    public IEnumerable<string> Violations()
    {
        if (HeartbeatInterval <= TimeSpan.Zero) yield return "Trainer:HeartbeatInterval must be positive.";
        if (LeaseDuration <= HeartbeatInterval * 2) yield return "Trainer:LeaseDuration must exceed two Trainer:HeartbeatInterval (a lease must survive a missed heartbeat).";
        if (ParityImages < 1) yield return "Trainer:ParityImages must be positive.";
        if (TelemetrySpoolMaxBytes < 1024 * 1024) yield return "Trainer:TelemetrySpoolMaxBytes must be at least 1 MiB.";
        if (StorageOutageTolerance < TimeSpan.Zero) yield return "Trainer:StorageOutageTolerance must not be negative.";
        if (RungVerdictTimeout < TimeSpan.Zero) yield return "Trainer:RungVerdictTimeout must not be negative.";
        if (OutcomeTelemetryWait < TimeSpan.Zero) yield return "Trainer:OutcomeTelemetryWait must not be negative.";
        if (TrackerOtlpEndpoint is { Length: > 0 } endpoint
            && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var address) && address.Scheme is "http" or "https"))
        {
            yield return $"Trainer:TrackerOtlpEndpoint must be an absolute http(s) address (got '{endpoint}').";
        }
    }
}
