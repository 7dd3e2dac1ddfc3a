namespace Platform.Contracts.ModelPackages;

/// <summary>
/// The files of a model package, the names the trainer writes and inference reads. Where the package lies is
/// <see cref="StorageLayout.ModelPackagePrefix"/>; these are the names under that prefix.
/// </summary>
public static class ModelPackageLayout
{
    /// <summary>The <see cref="ModelPackageIndex"/>, written last: a package without it is incomplete and never served.</summary>
    public const string IndexFile = "package.json";

    /// <summary>The exported ONNX graph (it passed the parity gate).</summary>
    public const string ModelFile = "model.onnx";

    /// <summary>The class names as a JSON array, in the order of the model's logits.</summary>
    public const string LabelsFile = "labels.json";

    /// <summary>The training evaluation transform (a transform recipe): serving preprocesses with exactly this.</summary>
    public const string PreprocessingFile = "preprocessing.json";

    /// <summary>The run's final report: accuracy, macro F1, per-class figures and the epoch history.</summary>
    public const string MetricsFile = "metrics.json";

    public const string ConfusionMatrixFile = "confusion-matrix.json";

    /// <summary>The training configuration exactly as trained.</summary>
    public const string TrainingConfigFile = "training-config.json";

    /// <summary>The dataset version trained on, its classes and normalisation statistics.</summary>
    public const string DatasetFile = "dataset.json";

    /// <summary>The parity gate's full report.</summary>
    public const string ParityFile = "parity.json";

    /// <summary>The files serving needs; a package is indexed only when all of them are written.</summary>
    public static IReadOnlyList<string> ServingFiles { get; } = [ModelFile, LabelsFile, PreprocessingFile];
}
