namespace Platform.Training.Engine;

/// <summary>
/// Keeps the <see cref="Limit"/> most confident wrong predictions of one evaluation as it goes: a min-heap on confidence, so memory
/// stays at the limit however large the validation split is and no second pass over the images is needed.
/// </summary>
public sealed class MisclassifiedRanking
{
    // The root is the least deserving kept prediction: the lowest confidence, and of equal ones the later image.
    private readonly PriorityQueue<MisclassifiedPrediction, (double Confidence, int NegativeIndex)> kept = new();

    public MisclassifiedRanking(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
    }

    public int Limit { get; }

    /// <summary>Wrong predictions offered so far, kept or not.</summary>
    public int Wrong { get; private set; }

    /// <summary>Offers one prediction; a correct one (predicted = true class) is ignored.</summary>
    public void Offer(MisclassifiedPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (prediction.PredictedClass == prediction.TrueClass)
        {
            return;
        }

        Wrong++;
        if (Limit == 0)
        {
            return;
        }

        var priority = (prediction.Confidence, -prediction.SampleIndex);
        if (kept.Count < Limit)
        {
            kept.Enqueue(prediction, priority);
        }
        else if (kept.TryPeek(out _, out var least) && priority.CompareTo(least) > 0)
        {
            kept.EnqueueDequeue(prediction, priority);
        }
    }

    /// <summary>The kept predictions, most confident first; of equal confidence, the earlier image first.</summary>
    public IReadOnlyList<MisclassifiedPrediction> MostConfident() =>
        kept.UnorderedItems.Select(item => item.Element).OrderByDescending(p => p.Confidence).ThenBy(p => p.SampleIndex).ToList();
}
