using Platform.Imaging;
using Platform.Imaging.Formats;
using Platform.OnnxRuntime;

namespace Platform.Ingest.Health;

/// <summary>
/// Embeds images with <see cref="EmbeddingModel"/> on an ONNX Runtime session: each image is stretched to
/// <see cref="EmbeddingModel.Resolution"/>² (as the size policy stretches), turned into BGR on the 0–255 scale minus the channel
/// means, run in batches of <see cref="BatchSize"/>, and the 512 pooled features are L2-normalised, so a dot product is the
/// cosine similarity. One session, used by one caller at a time (the lock): the same images in the same order give the same
/// embeddings, which keeps a version's health results reproducible.
/// </summary>
public sealed class ImageEmbedder : IDisposable
{
    public const int BatchSize = 16;

    private const int Side = EmbeddingModel.Resolution;
    private const int Plane = Side * Side;
    private readonly OnnxSession session;
    private readonly Lock gate = new();

    public ImageEmbedder(EmbeddingModel model, OnnxSessionFactory sessions, int intraOpThreads)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sessions);
        Model = model;
        session = sessions.Create(model.Graph, intraOpThreads);
    }

    public EmbeddingModel Model { get; }

    /// <summary>
    /// Embeds <paramref name="count"/> images given with their index (each index once, in any order), batch by batch as they come,
    /// so only one batch of decoded images is held at a time.
    /// </summary>
    public EmbeddingSet Embed(IEnumerable<(int Index, ImageBuffer Image)> images, int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        var values = new float[count * EmbeddingModel.Dimension];
        var batch = new List<ImageBuffer>(BatchSize);
        var indices = new List<int>(BatchSize);
        var scratch = new float[BatchSize * EmbeddingModel.Dimension];
        void Flush()
        {
            EmbedBatch(batch, scratch.AsSpan(0, batch.Count * EmbeddingModel.Dimension));
            for (var i = 0; i < batch.Count; i++)
            {
                scratch.AsSpan(i * EmbeddingModel.Dimension, EmbeddingModel.Dimension).CopyTo(values.AsSpan(indices[i] * EmbeddingModel.Dimension));
            }
            batch.Clear();
            indices.Clear();
        }
        foreach (var (index, image) in images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Add(image);
            indices.Add(index);
            if (batch.Count == BatchSize)
            {
                Flush();
            }
        }
        if (batch.Count > 0)
        {
            Flush();
        }
        return new EmbeddingSet(values, EmbeddingModel.Dimension);
    }

    /// <summary>Fills <paramref name="target"/> (length n × 512) with the L2-normalised embeddings of up to <see cref="BatchSize"/> images.</summary>
    public void EmbedBatch(IReadOnlyList<ImageBuffer> images, Span<float> target)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfZero(images.Count, nameof(images));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(images.Count, BatchSize, nameof(images));
        ArgumentOutOfRangeException.ThrowIfNotEqual(target.Length, images.Count * EmbeddingModel.Dimension, nameof(target));
        var input = new float[images.Count * 3 * Plane];
        for (var i = 0; i < images.Count; i++)
        {
            WriteInput(images[i], input.AsSpan(i * 3 * Plane, 3 * Plane));
        }
        float[] features;
        lock (gate)
        {
            (features, _) = session.Run(input, [images.Count, 3, Side, Side]);
        }
        features.CopyTo(target);
        for (var i = 0; i < images.Count; i++)
        {
            VectorMath.Normalise(target.Slice(i * EmbeddingModel.Dimension, EmbeddingModel.Dimension));
        }
    }

    /// <summary>The model's input for one image: planes B, G, R on the 0–255 scale minus the channel means.</summary>
    public static void WriteInput(ImageBuffer image, Span<float> chw)
    {
        ArgumentNullException.ThrowIfNull(image);
        var resized = ImageResizer.Resize(image, Side, Side);
        var pixels = resized.Pixels;
        var mean = EmbeddingModel.BgrMean;
        if (resized.Channels == 1)
        {
            for (var i = 0; i < Plane; i++)
            {
                float value = pixels[i];
                chw[i] = value - mean[0];
                chw[Plane + i] = value - mean[1];
                chw[2 * Plane + i] = value - mean[2];
            }
            return;
        }
        for (int i = 0, p = 0; i < Plane; i++, p += 3)
        {
            chw[i] = pixels[p + 2] - mean[0];
            chw[Plane + i] = pixels[p + 1] - mean[1];
            chw[2 * Plane + i] = pixels[p] - mean[2];
        }
    }

    public void Dispose() => session.Dispose();
}
