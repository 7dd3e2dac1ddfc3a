namespace Platform.Ingest.Health;

/// <summary>L2-normalised embeddings of <see cref="Count"/> images, row after row, so a dot product is a cosine similarity.</summary>
public sealed class EmbeddingSet
{
    public EmbeddingSet(float[] values, int dimension)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfNotEqual(values.Length % dimension, 0, nameof(values));
        Values = values;
        Dimension = dimension;
    }

    public float[] Values { get; }

    public int Dimension { get; }

    public int Count => Values.Length / Dimension;

    public ReadOnlySpan<float> this[int index] => Values.AsSpan(index * Dimension, Dimension);

    public float Similarity(int a, int b) => VectorMath.Dot(this[a], this[b]);

    /// <summary>
    /// The embeddings less their mean, renormalised. The pooled features follow a ReLU, so every entry is positive and any two
    /// pictures score a high cosine; taken from the dataset's own mean, the cosine measures what sets images apart, which
    /// separates copies from merely similar pictures and helps the linear probe.
    /// </summary>
    public EmbeddingSet Centred()
    {
        var mean = new float[Dimension];
        for (var i = 0; i < Count; i++)
        {
            VectorMath.AddScaled(mean, this[i], 1f / Count);
        }
        var centred = new float[Values.Length];
        for (var i = 0; i < Count; i++)
        {
            var row = centred.AsSpan(i * Dimension, Dimension);
            this[i].CopyTo(row);
            VectorMath.AddScaled(row, mean, -1f);
            VectorMath.Normalise(row);
        }
        return new EmbeddingSet(centred, Dimension);
    }

    /// <summary>Every pair at or above <paramref name="threshold"/>, in index order (all pairs compared: n²/2 dot products).</summary>
    public List<SimilarPair> PairsAbove(double threshold)
    {
        var pairs = new List<SimilarPair>();
        for (var a = 0; a < Count; a++)
        {
            var row = this[a];
            for (var b = a + 1; b < Count; b++)
            {
                var similarity = VectorMath.Dot(row, this[b]);
                if (similarity >= threshold)
                {
                    pairs.Add(new SimilarPair(a, b, similarity));
                }
            }
        }
        return pairs;
    }

    /// <summary>The <paramref name="count"/> most similar other images of <paramref name="index"/>, most similar first (ties: lower index).</summary>
    public List<SimilarPair> Nearest(int index, int count)
    {
        return Enumerable.Range(0, Count).Where(other => other != index)
            .Select(other => new SimilarPair(index, other, Similarity(index, other)))
            .OrderByDescending(pair => pair.Similarity).ThenBy(pair => pair.Second)
            .Take(count).ToList();
    }
}
