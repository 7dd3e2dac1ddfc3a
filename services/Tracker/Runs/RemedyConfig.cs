using System.Text.Json;
using Platform.Contracts.Runs;
using Platform.Sweeps;

namespace Platform.Tracker.Runs;

/// <summary>A parent run's configuration with one remedy's changes applied, and nothing else changed.</summary>
public static class RemedyConfig
{
    /// <summary>
    /// Sets each of <paramref name="remedy"/>'s fields (dotted camelCase paths such as <c>loss.labelSmoothing</c>) in a copy of
    /// <paramref name="config"/>, creating the sections a path needs; the result is checked by the trainer's validator when the run is created.
    /// </summary>
    public static JsonElement Apply(JsonElement config, FindingRemedy remedy)
    {
        ArgumentNullException.ThrowIfNull(remedy);
        return ConfigPaths.With(config, remedy.Changes);
    }
}
