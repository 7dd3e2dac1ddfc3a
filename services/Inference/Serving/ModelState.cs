using Platform.Contracts;

namespace Platform.Inference.Serving;

/// <summary>
/// A model's aliases (each on a loaded version), the promotions still loading, its loaded versions, and for each alias the version it
/// pointed at before (kept for pinned requests).
/// </summary>
public sealed record ModelState(string Name, IReadOnlyDictionary<string, ModelPromoted> Aliases, IReadOnlyDictionary<string, ModelPromoted> Pending,
    IReadOnlyDictionary<int, ServedModel> Versions,
    IReadOnlyDictionary<string, int> PreviousVersions);
