namespace Platform.Contracts.Models;

/// <summary>One model the inference service serves: the version each alias answers with, the ones they answered with before, and the loaded versions.</summary>
public sealed record ServedModelStatus(string Name, IReadOnlyDictionary<string, int> Aliases, IReadOnlyDictionary<string, int> PreviousVersions,
    IReadOnlyList<ServedVersionStatus> Versions);
