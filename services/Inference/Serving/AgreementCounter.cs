namespace Platform.Inference.Serving;

/// <summary>Running agreement figures of one (alias, primary, shadow) pair; updated under its own lock.</summary>
public sealed class AgreementCounter
{
    private readonly Lock gate = new();
    private long compared;
    private long top1Matches;
    private double absDifferenceSum;
    private long shed;

    public void Compare(double[] primary, double[] shadow)
    {
        var difference = 0.0;
        for (var i = 0; i < primary.Length; i++)
        {
            difference += Math.Abs(primary[i] - shadow[i]);
        }
        lock (gate)
        {
            compared++;
            top1Matches += ArgMax(primary) == ArgMax(shadow) ? 1 : 0;
            absDifferenceSum += difference / primary.Length;
        }
    }

    public void Shed()
    {
        lock (gate)
        {
            shed++;
        }
    }

    public (long Compared, long Shed, double Top1Agreement, double MeanAbsDifference) Read()
    {
        lock (gate)
        {
            return (compared, shed, compared == 0 ? 0 : (double)top1Matches / compared, compared == 0 ? 0 : absDifferenceSum / compared);
        }
    }

    public static int ArgMax(IReadOnlyList<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Count; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
