namespace Platform.Ingest.Datasets;

/// <summary>
/// Limits and defaults of the ingest service (configuration section <c>Ingest</c>). Every limit is enforced
/// before the work it guards: upload size while receiving, archive limits while listing entries, pixel
/// limits from an image's header before it is decoded.
/// </summary>
public sealed class IngestOptions : ISelfValidatingOptions
{
    public const string SectionName = "Ingest";

    /// <summary>Largest accepted upload (the whole request body). Default 2 GiB.</summary>
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Most entries an archive may list. Default 200,000.</summary>
    public int MaxArchiveEntries { get; set; } = 200_000;

    /// <summary>Most bytes an archive may expand to, all entries together. Default 8 GiB.</summary>
    public long MaxUncompressedBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Highest expansion ratio of one zip entry or of a whole tar.gz (zip bombs). Default 200.</summary>
    public double MaxCompressionRatio { get; set; } = 200;

    /// <summary>Largest single file inside an upload. Default 32 MiB.</summary>
    public long MaxFileBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Most pixels an image may declare (decompression bombs). Default 40 megapixels.</summary>
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>Largest annotation file (CSV, JSON, XML). Default 64 MiB.</summary>
    public long MaxAnnotationBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest single batch file of a CIFAR archive (CIFAR-100's training batch is 155 MB). Default 256 MiB.</summary>
    public long MaxBatchBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Uploads received and waiting for processing; more get 503 with Retry-After. Default 8.</summary>
    public int MaxQueuedIngests { get; set; } = 8;

    /// <summary>Target size of one shard blob. Default 64 MiB.</summary>
    public long ShardTargetBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How often a running ingest records progress and proves it is alive. Default 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An ingest silent for this long belongs to a dead instance and is failed and cleaned up. Default 1 min.</summary>
    public TimeSpan AbandonedAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// <c>health=auto</c> (the default) checks an upload's health only up to this many accepted images, so large uploads are not
    /// slowed unless asked (<c>health=on</c>): at about 60 images/s per core, 1,000 images add some 15 s. Default 1,000.
    /// </summary>
    public int HealthAutoMaxImages { get; set; } = 1_000;

    /// <summary>The embedding model file; null: PretrainedWeights/ResNet18.onnx next to the service, where its build puts it.</summary>
    public string? HealthModelPath { get; set; }

    /// <summary>ONNX Runtime intra-op threads of the embedding session. Default 1: fastest per core on a shared machine.</summary>
    public int HealthEmbeddingThreads { get; set; } = 1;

    /// <summary>Most thumbnails the health check stores per version (of the images it reports, and their neighbours). Default 300.</summary>
    public int HealthMaxThumbnails { get; set; } = 300;

    /// <summary>Where uploads wait for processing. Default: a folder under the temp directory.</summary>
    public string? WorkFolder { get; set; }

    public string ResolvedWorkFolder => WorkFolder ?? Path.Combine(Path.GetTempPath(), "platform-ingest");

    public IEnumerable<string> Violations()
    {
        if (MaxUploadBytes < 1) yield return "Ingest:MaxUploadBytes must be positive.";
        if (MaxArchiveEntries < 1) yield return "Ingest:MaxArchiveEntries must be positive.";
        if (MaxUncompressedBytes < 1) yield return "Ingest:MaxUncompressedBytes must be positive.";
        if (MaxCompressionRatio <= 1) yield return "Ingest:MaxCompressionRatio must be greater than 1.";
        if (MaxFileBytes < 1) yield return "Ingest:MaxFileBytes must be positive.";
        if (MaxImagePixels < 1) yield return "Ingest:MaxImagePixels must be positive.";
        if (MaxAnnotationBytes < 1) yield return "Ingest:MaxAnnotationBytes must be positive.";
        if (MaxBatchBytes < 1) yield return "Ingest:MaxBatchBytes must be positive.";
        if (MaxQueuedIngests < 1) yield return "Ingest:MaxQueuedIngests must be positive.";
        if (ShardTargetBytes < 1) yield return "Ingest:ShardTargetBytes must be positive.";
        if (HealthAutoMaxImages < 0) yield return "Ingest:HealthAutoMaxImages must not be negative.";
        if (HealthEmbeddingThreads < 1) yield return "Ingest:HealthEmbeddingThreads must be positive.";
        if (HealthMaxThumbnails < 0) yield return "Ingest:HealthMaxThumbnails must not be negative.";
        if (HeartbeatInterval <= TimeSpan.Zero) yield return "Ingest:HeartbeatInterval must be positive.";
        if (AbandonedAfter <= HeartbeatInterval) yield return "Ingest:AbandonedAfter must be longer than Ingest:HeartbeatInterval.";
    }
}
