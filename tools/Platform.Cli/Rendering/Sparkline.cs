namespace Platform.Cli.Rendering;

/// <summary>A curve in one line of block characters, resampled to at most <c>width</c> columns.</summary>
public static class Sparkline
{
    private const string Levels = "▁▂▃▄▅▆▇█";

    public static string Render(IReadOnlyList<double> values, int width = 40)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0)
        {
            return "";
        }
        var columns = Math.Min(width, finite.Count);
        var sampled = Enumerable.Range(0, columns)
            .Select(c => finite[(int)Math.Round(c * (finite.Count - 1) / (double)Math.Max(1, columns - 1))])
            .ToList();
        var (low, high) = (sampled.Min(), sampled.Max());
        return string.Concat(sampled.Select(v => high - low < 1e-12
            ? Levels[Levels.Length / 2]
            : Levels[(int)Math.Round((v - low) / (high - low) * (Levels.Length - 1))]));
    }
}
