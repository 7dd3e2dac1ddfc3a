namespace Platform.Tracker.Runs;

/// <summary>A closed range of steps; either end may be open.</summary>
public readonly record struct StepRange(long? From, long? To)
{
    public bool Contains(long step) => (From is not { } from || step >= from) && (To is not { } to || step <= to);

    /// <summary>The [start, end) indices of the steps inside the range, in a list sorted by step.</summary>
    public (int Start, int End) IndicesIn(List<long> sortedSteps)
    {
        var start = From is { } from ? LowerBound(sortedSteps, from) : 0;
        var end = To is { } to ? LowerBound(sortedSteps, to + 1) : sortedSteps.Count;
        return (start, Math.Max(start, end));
    }

    private static int LowerBound(List<long> sorted, long value)
    {
        var index = sorted.BinarySearch(value);
        return index >= 0 ? index : ~index;
    }
}
