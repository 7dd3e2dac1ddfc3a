using System.Text.Json;

namespace Platform.Sweeps;

/// <summary>Every combination of the parameters' grid points, trial n being the n-th in mixed-radix order (the last parameter fastest).</summary>
public sealed class GridSearch(IReadOnlyList<ParameterDomain> parameters) : ISearchMethod
{
    private readonly IReadOnlyList<IReadOnlyList<JsonElement>> points = parameters.Select(p => p.GridPoints()).ToList();

    public long Size => points.Aggregate(1L, (size, p) => size * p.Count);

    public IReadOnlyDictionary<string, JsonElement>? Suggest(int trial, IReadOnlyList<TrialObservation> observations)
    {
        if (trial < 0 || trial >= Size)
        {
            return null;
        }
        var chosen = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        long rest = trial;
        for (var i = parameters.Count - 1; i >= 0; i--)
        {
            chosen[parameters[i].Path] = points[i][(int)(rest % points[i].Count)];
            rest /= points[i].Count;
        }
        return parameters.ToDictionary(p => p.Path, p => chosen[p.Path], StringComparer.Ordinal);
    }
}
