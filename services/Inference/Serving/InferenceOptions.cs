using Platform.OnnxRuntime;

namespace Platform.Inference.Serving;

/// <summary>Settings of the inference service (configuration section <c>Inference</c>). Every limit is enforced before work starts.</summary>
public sealed class InferenceOptions : ISelfValidatingOptions
{
    public const string SectionName = "Inference";

    private const int MaxConcurrentBatches = 64;

    /// <summary>Largest request body accepted (one image or a multipart batch). Default 16 MiB.</summary>
    public long MaxBodyBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Largest declared width × height of one image, checked before decoding (decompression bombs). Default 25 megapixels.</summary>
    public long MaxPixels { get; set; } = 25_000_000;

    /// <summary>Most images in one multipart request or one v2 infer request. Default 64.</summary>
    public int MaxImagesPerRequest { get; set; } = 64;

    /// <summary>Images waiting per model version; beyond it requests are answered 429 with Retry-After. Default 256.</summary>
    public int QueueCapacity { get; set; } = 256;

    /// <summary>Most images in one ONNX Runtime call. Default 32.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// How long the batcher waits for more images once it has one. Default 0: it takes whatever queued while the previous batch ran,
    /// which batches under load and adds no latency to a lone request.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Longest a request may wait for its answer (queue and inference) before it is answered 503. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Seconds sent in Retry-After with 429 and 503 answers. Default 1.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// Port of the Open Inference Protocol's gRPC endpoint, beside the REST ones. Default none (no gRPC endpoint). It is a port of
    /// its own because gRPC needs HTTP/2, and Kestrel speaks HTTP/2 without TLS only on an endpoint that speaks nothing else.
    /// </summary>
    public int? GrpcPort { get; set; }

    /// <summary>
    /// Requests waiting to be mirrored to a shadow version; beyond it copies are shed (dropped and counted), never waited for.
    /// Default 16.
    /// </summary>
    public int ShadowQueueCapacity { get; set; } = 16;

    /// <summary>Labels returned when the request does not say (?topK=). Default 5.</summary>
    public int DefaultTopK { get; set; } = 5;

    // The session settings start from OnnxSessionOptions' defaults, which the parity gate uses: it checks what serving runs.

    /// <summary>Try the CUDA execution provider first. Default true; falls back to the CPU provider when CUDA cannot start.</summary>
    public bool PreferCuda { get; set; } = OnnxSessionOptions.Default.PreferCuda;

    /// <summary>GPU used when CUDA is available. Default 0.</summary>
    public int CudaDeviceId { get; set; } = OnnxSessionOptions.Default.CudaDeviceId;

    /// <summary>Threads inside one operator on the CPU provider. Default: one per core.</summary>
    public int? IntraOpThreads { get; set; } = OnnxSessionOptions.Default.IntraOpThreads;

    /// <summary>
    /// Let ONNX Runtime's idle intra-op threads spin-wait for work, as it does by default. Default true: parking and waking the
    /// threads at every operator costs about 2 ms per ResNet-18 call and a quarter to a third of the small CNN's throughput
    /// (docs/benchmarks.md); false suits a CPU shared with other busy processes, where spinning threads take their cores.
    /// </summary>
    public bool AllowSpinning { get; set; } = OnnxSessionOptions.Default.AllowSpinning;

    /// <summary>
    /// Where the sessions' intra-op threads come from. Default <see cref="OnnxThreadPool.Shared"/>: the service creates ONNX Runtime's
    /// environment at start with one pool of <see cref="IntraOpThreads"/> threads (spinning as <see cref="AllowSpinning"/> says), and
    /// every answering version whose model has that thread count runs on it, so a model's versions (a split's primary and canary,
    /// a version kept for rollback) and other models share the cores instead of each bringing a pool of its own. A model with its
    /// own <c>IntraOpThreads</c> and a shadow-only version keep per-session pools. <see cref="OnnxThreadPool.PerSession"/>: every
    /// session its own pool, as before.
    /// </summary>
    public OnnxThreadPool ThreadPool { get; set; } = OnnxThreadPool.Shared;

    /// <summary>
    /// Batches of one model version that run at once, each its own ONNX Runtime call on the version's session. Default 1: one
    /// batch at a time, its operators spread over <see cref="IntraOpThreads"/>. A small model on the CPU serves more with 2 and
    /// <see cref="IntraOpThreads"/> 1 (the session's intra-op pool is shared by concurrent calls; with one thread there is no pool to
    /// spin, and the next batch runs while the answers of the last one are written); a large one keeps its single-request latency with the default (docs/inference.md, docs/benchmarks.md).
    /// </summary>
    public int ConcurrentBatches { get; set; } = 1;

    /// <summary>Per-model overrides (Inference:Models:{name}:ConcurrentBatches, …:IntraOpThreads), keyed by the model name exactly as promoted (case included).</summary>
    public Dictionary<string, ModelExecutionOptions> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The service-wide session settings the <see cref="OnnxSessionFactory"/> makes every version's session with.</summary>
    public OnnxSessionOptions SessionOptions() => new(PreferCuda, IntraOpThreads, CudaDeviceId, AllowSpinning, ThreadPool);

    /// <summary>
    /// How the answering versions of <paramref name="model"/> run: its overrides where set, the service-wide settings otherwise; on
    /// the shared pool when the service has one and the model's thread count is the pool's.
    /// </summary>
    public ModelExecution ExecutionFor(string model)
    {
        var overrides = Models.GetValueOrDefault(model);
        var pooled = SessionOptions().ResolvedIntraOpThreads;
        var threads = overrides?.IntraOpThreads ?? pooled;
        return new ModelExecution(overrides?.ConcurrentBatches ?? ConcurrentBatches, threads, Spinning: AllowSpinning,
            ThreadPool: ThreadPool == OnnxThreadPool.Shared && threads == pooled ? OnnxThreadPool.Shared : OnnxThreadPool.PerSession);
    }

    public IEnumerable<string> Violations()
    {
        if (MaxBodyBytes < 1024) yield return "Inference:MaxBodyBytes must be at least 1024.";
        if (MaxPixels < 1) yield return "Inference:MaxPixels must be positive.";
        if (MaxImagesPerRequest < 1) yield return "Inference:MaxImagesPerRequest must be positive.";
        if (QueueCapacity < 1) yield return "Inference:QueueCapacity must be positive.";
        if (MaxBatchSize < 1) yield return "Inference:MaxBatchSize must be positive.";
        if (MaxQueueDelay < TimeSpan.Zero || MaxQueueDelay > TimeSpan.FromSeconds(1)) yield return "Inference:MaxQueueDelay must be between 0 and 1 s.";
        if (RequestTimeout <= TimeSpan.Zero) yield return "Inference:RequestTimeout must be positive.";
        if (RetryAfterSeconds < 1) yield return "Inference:RetryAfterSeconds must be positive.";
        if (DefaultTopK < 1) yield return "Inference:DefaultTopK must be positive.";
        if (ShadowQueueCapacity < 1) yield return "Inference:ShadowQueueCapacity must be positive.";
        if (GrpcPort is < 1 or > 65535) yield return "Inference:GrpcPort must be a port number (1–65535) when set.";
        if (IntraOpThreads is < 1) yield return "Inference:IntraOpThreads must be positive when set.";
        if (!Enum.IsDefined(ThreadPool)) yield return "Inference:ThreadPool must be Shared or PerSession.";
        if (ConcurrentBatches is < 1 or > MaxConcurrentBatches) yield return $"Inference:ConcurrentBatches must be between 1 and {MaxConcurrentBatches}.";
        foreach (var (model, overrides) in Models)
        {
            if (overrides.ConcurrentBatches is < 1 or > MaxConcurrentBatches) yield return $"Inference:Models:{model}:ConcurrentBatches must be between 1 and {MaxConcurrentBatches}.";
            if (overrides.IntraOpThreads is < 1) yield return $"Inference:Models:{model}:IntraOpThreads must be positive when set.";
        }
    }
}
