using Microsoft.Extensions.Options;
using Platform.Ingest.Datasets;
using Platform.OnnxRuntime;

namespace Platform.Ingest.Health;

/// <summary>
/// The service's one <see cref="ImageEmbedder"/>, made at the first health check that needs it (the session costs a second or two
/// and 64 MB, which an ingest that never checks health should not pay). When the model file is missing or cannot be loaded the
/// reason is returned instead, in words without a server path, and the next check tries again.
/// </summary>
public sealed class ImageEmbedderProvider(IOptions<IngestOptions> options, ILogger<ImageEmbedderProvider> logger) : IDisposable
{
    private readonly Lock gate = new();
    private ImageEmbedder? embedder;

    public string ModelPath => options.Value.HealthModelPath ?? Path.Combine(AppContext.BaseDirectory, "PretrainedWeights", EmbeddingModel.FileName);

    public ImageEmbedder? TryGet(out string? unavailable)
    {
        lock (gate)
        {
            unavailable = null;
            if (embedder is not null)
            {
                return embedder;
            }
            if (!File.Exists(ModelPath))
            {
                unavailable = $"the embedding model {EmbeddingModel.FileName} (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18) is not installed with the ingest service";
                logger.LogWarning("Health check skipped: {ModelPath} does not exist", ModelPath);
                return null;
            }
            try
            {
                var model = EmbeddingModel.Load(File.ReadAllBytes(ModelPath));
                var sessions = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: false, IntraOpThreads: options.Value.HealthEmbeddingThreads, AllowSpinning: false));
                embedder = new ImageEmbedder(model, sessions, options.Value.HealthEmbeddingThreads);
                return embedder;
            }
            catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException
                                                  or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or ArgumentException)
            {
                unavailable = $"the embedding model {EmbeddingModel.FileName} could not be loaded ({exception.GetType().Name})";
                logger.LogWarning(exception, "Health check skipped: {ModelPath} could not be loaded", ModelPath);
                return null;
            }
        }
    }

    public void Dispose() => embedder?.Dispose();
}
