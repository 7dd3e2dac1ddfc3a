using System.Text.Json;

namespace Platform.Sweeps;

/// <summary>
/// Chooses trial parameters. Deterministic: the same trial number, seed and observations give the same parameters, so a
/// controller that restarts and asks again gets the trial it had planned.
/// </summary>
public interface ISearchMethod
{
    /// <summary>The parameters of trial <paramref name="trial"/> (0-based), or null when the method has no more trials (a grid's end).</summary>
    /// <param name="observations">Finished trials with their objective as a score (higher is better), in trial order.</param>
    IReadOnlyDictionary<string, JsonElement>? Suggest(int trial, IReadOnlyList<TrialObservation> observations);
}
