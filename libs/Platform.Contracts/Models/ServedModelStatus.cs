namespace Platform.Contracts.Models;

/// <summary>One model the inference service serves: the version each alias answers with, the ones they answered with before, and the loaded versions.</summary>
/// <param name="Aliases">Each alias's primary version (the only one, or its split's largest share).</param>
/// <param name="Routes">Each alias's whole route: the weighted versions that answer and the shadow version it mirrors to.</param>
/// <param name="Shadows">Per alias with a shadow: how often the shadow agrees with the answers given.</param>
public sealed record ServedModelStatus(string Name, IReadOnlyDictionary<string, int> Aliases, IReadOnlyDictionary<string, int> PreviousVersions,
    IReadOnlyList<ServedVersionStatus> Versions, IReadOnlyDictionary<string, AliasRoute>? Routes = null, IReadOnlyList<ShadowAgreement>? Shadows = null);
