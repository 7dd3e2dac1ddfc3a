namespace Platform.Ingest.Health;

/// <summary>
/// Multinomial logistic regression on embeddings, trained by full-batch gradient descent with Adam and an L2 penalty, from zero
/// weights (so it is deterministic). <see cref="OutOfFoldProbabilities"/> gives every image class probabilities from a probe
/// that never saw it, what confident learning needs.
/// </summary>
public sealed class LinearProbe
{
    public const int Iterations = 150;
    private const float LearningRate = 0.05f;
    private const float L2 = 1e-2f;

    private readonly float[] weights;
    private readonly float[] bias;

    private LinearProbe(int classes, int dimension)
    {
        Classes = classes;
        Dimension = dimension;
        weights = new float[classes * dimension];
        bias = new float[classes];
    }

    public int Classes { get; }

    public int Dimension { get; }

    /// <summary>Trains on the images <paramref name="members"/> of <paramref name="set"/>.</summary>
    public static LinearProbe Fit(EmbeddingSet set, IReadOnlyList<int> labels, IReadOnlyList<int> members, int classes)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(members);
        var probe = new LinearProbe(classes, set.Dimension);
        var d = set.Dimension;
        var gradient = new float[classes * d];
        var biasGradient = new float[classes];
        var moment = new float[classes * d + classes];
        var velocity = new float[classes * d + classes];
        var probabilities = new float[classes];
        // Features are unit vectors with entries around 1/√d; scaling by √d puts them near unit size, so one learning rate suits any d.
        var scale = MathF.Sqrt(d);
        for (var step = 1; step <= Iterations; step++)
        {
            Array.Clear(gradient);
            Array.Clear(biasGradient);
            foreach (var i in members)
            {
                var x = set[i];
                probe.Probabilities(x, scale, probabilities);
                probabilities[labels[i]] -= 1f;
                for (var c = 0; c < classes; c++)
                {
                    VectorMath.AddScaled(gradient.AsSpan(c * d, d), x, probabilities[c] * scale);
                    biasGradient[c] += probabilities[c];
                }
            }
            var inverse = 1f / members.Count;
            for (var k = 0; k < gradient.Length; k++)
            {
                Adam(ref probe.weights[k], gradient[k] * inverse + L2 * probe.weights[k], ref moment[k], ref velocity[k], step);
            }
            for (var c = 0; c < classes; c++)
            {
                Adam(ref probe.bias[c], biasGradient[c] * inverse, ref moment[gradient.Length + c], ref velocity[gradient.Length + c], step);
            }
        }
        return probe;
    }

    /// <summary>
    /// Class probabilities of every image from a probe trained on the other folds: images are dealt into <paramref name="folds"/>
    /// folds class by class in a seeded order, so each fold holds every class in proportion.
    /// </summary>
    public static float[] OutOfFoldProbabilities(EmbeddingSet set, IReadOnlyList<int> labels, int classes, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var fold = new int[set.Count];
        var random = new Random(seed);
        var dealt = 0;
        for (var c = 0; c < classes; c++)
        {
            var members = Enumerable.Range(0, set.Count).Where(i => labels[i] == c).ToArray();
            random.Shuffle(members);
            foreach (var i in members)
            {
                fold[i] = dealt++ % folds;
            }
        }
        var result = new float[set.Count * classes];
        var scale = MathF.Sqrt(set.Dimension);
        for (var f = 0; f < folds; f++)
        {
            var training = Enumerable.Range(0, set.Count).Where(i => fold[i] != f).ToList();
            if (training.Count == 0)
            {
                continue;
            }
            var probe = Fit(set, labels, training, classes);
            for (var i = 0; i < set.Count; i++)
            {
                if (fold[i] == f)
                {
                    probe.Probabilities(set[i], scale, result.AsSpan(i * classes, classes));
                }
            }
        }
        return result;
    }

    private void Probabilities(ReadOnlySpan<float> x, float scale, Span<float> target)
    {
        var max = float.NegativeInfinity;
        for (var c = 0; c < Classes; c++)
        {
            target[c] = VectorMath.Dot(weights.AsSpan(c * Dimension, Dimension), x) * scale + bias[c];
            max = MathF.Max(max, target[c]);
        }
        var sum = 0f;
        for (var c = 0; c < Classes; c++)
        {
            target[c] = MathF.Exp(target[c] - max);
            sum += target[c];
        }
        for (var c = 0; c < Classes; c++)
        {
            target[c] /= sum;
        }
    }

    private static void Adam(ref float parameter, float gradient, ref float moment, ref float velocity, int step)
    {
        const float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
        moment = beta1 * moment + (1 - beta1) * gradient;
        velocity = beta2 * velocity + (1 - beta2) * gradient * gradient;
        var correctedMoment = moment / (1 - MathF.Pow(beta1, step));
        var correctedVelocity = velocity / (1 - MathF.Pow(beta2, step));
        parameter -= LearningRate * correctedMoment / (MathF.Sqrt(correctedVelocity) + epsilon);
    }
}
