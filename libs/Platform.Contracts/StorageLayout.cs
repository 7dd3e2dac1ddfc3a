namespace Platform.Contracts;

/// <summary>
/// Where the services find each other's blobs. Ingest writes datasets, the trainer reads them and writes
/// runs and model packages, inference reads model packages: one layout, named once.
/// </summary>
public static class StorageLayout
{
    public const string DatasetsContainer = "datasets";
    public const string RunsContainer = "runs";
    public const string ModelsContainer = "models";

    public static string DatasetVersionPrefix(string dataset, int version) => $"{dataset}/v{version}/";

    public static string DatasetManifest(string dataset, int version) => $"{DatasetVersionPrefix(dataset, version)}manifest.json";

    public static string DatasetShard(string dataset, int version, string shard) => $"{DatasetVersionPrefix(dataset, version)}shards/{shard}";

    /// <summary>A thumbnail the health check made of an image it reports, named by its key (16 hex digits).</summary>
    public static string DatasetThumbnail(string dataset, int version, string key) => $"{DatasetVersionPrefix(dataset, version)}thumbnails/{key}.jpg";

    public static string RunPrefix(Guid runId) => $"{runId:N}/";

    public static string RunCheckpoint(Guid runId, string checkpoint) => $"{RunPrefix(runId)}checkpoints/{checkpoint}";

    /// <summary>The TensorBoard event files the trainer wrote for a run (<c>tensorboard.enabled</c>), one or more per attempt.</summary>
    public static string RunTensorBoardPrefix(Guid runId) => $"{RunPrefix(runId)}tensorboard/";

    /// <summary>The validation images a completed run got most confidently wrong: thumbnails and the index naming them.</summary>
    public static string RunMisclassifiedPrefix(Guid runId) => $"{RunPrefix(runId)}misclassified/";

    /// <summary>The gallery's index (<see cref="Runs.MisclassifiedGallery"/>), written after every thumbnail it names.</summary>
    public static string RunMisclassifiedIndex(Guid runId) => $"{RunMisclassifiedPrefix(runId)}index.json";

    /// <summary>One thumbnail of the gallery, by the file name its index entry gives (<see cref="Runs.MisclassifiedExample.Thumbnail"/>).</summary>
    public static string RunMisclassifiedThumbnail(Guid runId, string file) => $"{RunMisclassifiedPrefix(runId)}{file}";

    /// <summary>Written by the sweep controller when a trial may go on after <paramref name="epoch"/> (see <see cref="TrainModel.RungEpochs"/>).</summary>
    public static string RunRungPassed(Guid runId, int epoch) => $"{RunPrefix(runId)}rungs/{epoch}.passed";

    /// <summary>A model package: the files <see cref="ModelPackages.ModelPackageLayout"/> names, under one prefix per run.</summary>
    public static string ModelPackagePrefix(string modelName, Guid runId) => $"{modelName}/{runId:N}/";

    /// <summary>One file of a model package, named by <see cref="ModelPackages.ModelPackageLayout"/>.</summary>
    public static string ModelPackageFile(string modelName, Guid runId, string file) => $"{ModelPackagePrefix(modelName, runId)}{file}";
}
