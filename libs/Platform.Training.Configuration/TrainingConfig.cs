using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Configuration;

/// <summary>
/// Every hyperparameter of a training run, with defaults that train a model and range checks that report all
/// problems at once (<see cref="Validate"/>). Serialised as camelCase JSON with enums as strings and saved with
/// every run and checkpoint. See docs/training.md for the reference of each field.
/// </summary>
public sealed record TrainingConfig
{
    public string Architecture { get; init; } = "resnet18";

    /// <summary>Start from pretrained backbone weights (only for architectures that have them).</summary>
    public bool Pretrained { get; init; }

    /// <summary>1 (grayscale) or 3 (RGB): the channels the model takes and the transforms produce.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>ViT patch side in pixels; ignored by CNNs.</summary>
    public int PatchSize { get; init; } = 16;

    public FineTuneOptions FineTune { get; init; } = new();

    public OptimizerOptions Optimizer { get; init; } = new();

    /// <summary>Peak learning rate of the head group (and of the backbone unless staged).</summary>
    public double Lr { get; init; } = 1e-3;

    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Exempt norms, biases (every 0/1-dimensional parameter), position embeddings, class tokens and relative
    /// position bias tables from weight decay (timm's default); false decays every parameter.</summary>
    public bool NoWeightDecayOnNormsAndBiases { get; init; }

    /// <summary>Layer-wise learning-rate decay for ViT, Swin and ConvNeXt: block j of N trains at lr × d^(N + 1 − (j + 1)),
    /// the stem at lr × d^(N + 1), the final norm and head at lr; null = off.</summary>
    public double? LayerDecay { get; init; }

    public ScheduleOptions Schedule { get; init; } = new();

    public int Epochs { get; init; } = 10;

    public int BatchSize { get; init; } = 32;

    /// <summary>Batches whose gradients are added up before one optimizer step: the effective batch is
    /// batchSize × accumulationSteps, and the schedule counts optimizer steps of that batch.</summary>
    public int AccumulationSteps { get; init; } = 1;

    public int ImageSize { get; init; } = 224;

    public AugmentationOptions Augmentation { get; init; } = new();

    public LossOptions Loss { get; init; } = new();

    /// <summary>Test-time augmentation of the validation predictions: flip averages the probabilities of each image and its
    /// mirror image. The calibration temperature is still fitted on single-view logits, those of the exported graph.</summary>
    public TestTimeAugmentation Tta { get; init; } = TestTimeAugmentation.None;

    /// <summary>Mix training batches with mixup/cutmix and train on their soft targets; null = off.</summary>
    public MixupOptions? Mixup { get; init; }

    public SamplerKind Sampler { get; init; } = SamplerKind.Shuffle;

    /// <summary>Dropout probability before the classifier.</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>Stochastic-depth (drop path) rate of the deepest residual block, earlier blocks linearly less, for
    /// architectures that have it (Swin, ConvNeXt); null = the architecture's default (<c>platform config architectures</c>).</summary>
    public double? DropPath { get; init; }

    /// <summary>Clip the global L2 gradient norm to this value; null = no clipping.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>Stop when the monitored metric stops improving; null = train every epoch.</summary>
    public EarlyStoppingOptions? EarlyStopping { get; init; }

    public NumericPrecision Precision { get; init; } = NumericPrecision.Fp32;

    public LossScalingOptions LossScaling { get; init; } = new();

    public int Seed { get; init; } = 42;

    /// <summary>Keep an exponential moving average of the weights, evaluated beside them every epoch; null = none.</summary>
    public EmaOptions? Ema { get; init; }

    public ExportOptions Export { get; init; } = new();

    /// <summary>Step-level points and per-block figures reported beside the epoch curves.</summary>
    public MonitoringOptions Monitoring { get; init; } = new();

    /// <summary>The training doctor's thresholds (overfitting, underfitting, vanishing and exploding gradients, class imbalance).</summary>
    public DoctorOptions Doctor { get; init; } = new();

    /// <summary>TensorBoard event files written by the trainer service and kept with the run (<c>tensorboard.enabled</c>).</summary>
    [JsonPropertyName("tensorboard")]
    public TensorBoardOptions TensorBoard { get; init; } = new();

    public CheckpointOptions Checkpoint { get; init; } = new();

    public DevicePreference Device { get; init; } = DevicePreference.Auto;

    /// <summary>The devices one run trains on, a model replica on each: <c>auto</c> (every visible CUDA device, else the
    /// CPU), a count (the first N CUDA devices; without CUDA, N replicas on the CPU), or names (<c>cuda:0,cuda:1</c>).</summary>
    [JsonConverter(typeof(DevicesJsonConverter))]
    public string Devices { get; init; } = "auto";

    /// <summary>Scale <see cref="Lr"/> (and the cosine floor) by the batch of one optimizer step against <see cref="LrBaseBatch"/>.</summary>
    public LearningRateScaling LrScaling { get; init; } = LearningRateScaling.None;

    /// <summary>The batch <see cref="Lr"/> was chosen for (timm's <c>lr_base_size</c>, 256).</summary>
    public int LrBaseBatch { get; init; } = 256;

    /// <summary>Intra-op threads for libtorch per replica; null = PLATFORM_TORCH_THREADS, else the engine's choice from the
    /// cores the loader turns out to need (docs/training.md, <i>Determinism and threads</i>).</summary>
    public int? Threads { get; init; }

    /// <summary>Decode/transform workers of the data loader.</summary>
    public int LoaderWorkers { get; init; } = 2;

    /// <summary>Wall-clock training budget in seconds; when spent, training stops after the current batch and the
    /// run completes with what it has. null = no limit.</summary>
    public double? TimeBudgetSeconds { get; init; }

    public static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions();

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a configuration; fields not present take their defaults. Does not validate.</summary>
    /// <exception cref="JsonException">Malformed JSON, unknown fields or unknown enum names.</exception>
    public static TrainingConfig FromJson(string json) =>
        JsonSerializer.Deserialize<TrainingConfig>(json, JsonOptions)
        ?? throw new JsonException("The training configuration is empty (null).");

    /// <summary>
    /// Reads and validates a configuration, every problem as a violation: a JSON one (malformed, an unknown field or name)
    /// carries the JSON path as its field (empty for the whole document). <paramref name="config"/> is set only when there is none.
    /// </summary>
    public static IReadOnlyList<ConfigViolation> Check(string json, out TrainingConfig? config)
    {
        config = null;
        TrainingConfig parsed;
        try
        {
            parsed = FromJson(json);
        }
        catch (JsonException exception)
        {
            var path = exception.Path is { Length: > 2 } jsonPath && jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : "";
            return [new ConfigViolation(path, exception.Message)];
        }
        var violations = parsed.Validate();
        if (violations.Count == 0)
        {
            config = parsed;
        }
        return violations;
    }

    /// <summary>Every violation in this configuration (empty when it is valid).</summary>
    public IReadOnlyList<ConfigViolation> Validate() => TrainingConfigValidator.Validate(this);

    /// <summary>Throws <see cref="ArgumentException"/> listing every violation; returns this configuration otherwise.</summary>
    public TrainingConfig EnsureValid()
    {
        var violations = Validate();
        return violations.Count == 0
            ? this
            : throw new ArgumentException("Invalid training configuration: " + string.Join("; ", violations));
    }

    /// <summary>
    /// The configuration as flat, named parameters for experiment tracking: dotted snake_case paths
    /// (<c>optimizer.kind</c>, <c>schedule.warmup_epochs</c>), each value as JSON. The tracker records these names when a
    /// run is created and the trainer reports the same ones in its telemetry, so a parameter has one name everywhere.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> ToParameters()
    {
        var parameters = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        void Walk(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
                    Walk(property.Value, path.Length == 0 ? name : $"{path}.{name}");
                }
            }
            else if (element.ValueKind != JsonValueKind.Null && path.Length > 0)
            {
                parameters[path] = element.Clone();
            }
        }
        Walk(JsonSerializer.SerializeToElement(this, JsonOptions), "");
        return parameters;
    }

    /// <summary>Images of one forward pass over every replica: replicas × <see cref="BatchSize"/>.</summary>
    public int GlobalBatchSize(int replicas) => replicas * BatchSize;

    /// <summary>The factor <see cref="LrScaling"/> applies to the learning rate for <paramref name="replicas"/> replicas: the
    /// batch of one optimizer step (replicas × batchSize × accumulationSteps, timm's global batch) against <see cref="LrBaseBatch"/>.</summary>
    public double LearningRateFactor(int replicas)
    {
        double ratio = (double)GlobalBatchSize(replicas) * AccumulationSteps / LrBaseBatch;
        return LrScaling switch
        {
            LearningRateScaling.Linear => ratio,
            LearningRateScaling.Sqrt => Math.Sqrt(ratio),
            _ => 1,
        };
    }

    /// <summary>The model options this configuration builds <see cref="Architecture"/> with.</summary>
    public ModelOptions ModelOptionsFor(int numClasses) => new(numClasses, InputChannels, ImageSize, Dropout, PatchSize, Pretrained, EffectiveDropPath);

    /// <summary>The drop-path rate the model is built with: <see cref="DropPath"/>, else the architecture's default, else 0.</summary>
    [JsonIgnore]
    public double EffectiveDropPath =>
        DropPath ?? (ArchitectureCatalog.Contains(Architecture) ? ArchitectureCatalog.Describe(Architecture).DefaultDropPath ?? 0 : 0);

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new NamedEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
