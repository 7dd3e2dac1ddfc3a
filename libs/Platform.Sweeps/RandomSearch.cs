using System.Text.Json;

namespace Platform.Sweeps;

/// <summary>Independent draws from each parameter's prior; trial n's draws depend only on the seed and n.</summary>
public sealed class RandomSearch(IReadOnlyList<ParameterDomain> parameters, int seed) : ISearchMethod
{
    public IReadOnlyDictionary<string, JsonElement>? Suggest(int trial, IReadOnlyList<TrialObservation> observations)
    {
        var random = TrialRandom(seed, trial);
        return parameters.ToDictionary(p => p.Path, p => p.Sample(random), StringComparer.Ordinal);
    }

    /// <summary>
    /// A generator for one trial: seeded from the sweep's seed and the trial number, so no trial depends on another's draws, and through
    /// SplitMix64, so that successive trials' draws are independent (<see cref="SplitMix64Random"/> says why not <c>new Random(seed)</c>).
    /// </summary>
    public static Random TrialRandom(int seed, int trial) => new SplitMix64Random(((ulong)(uint)seed << 32) | (uint)trial);
}
