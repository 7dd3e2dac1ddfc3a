namespace Platform.Contracts.Runs;

/// <summary>
/// A problem the training doctor read in a run's curves (docs/training.md, "The training doctor"): what it is, how sure,
/// the figures that show it, and the configuration changes that remedy it. One finding per kind and run; a later
/// epoch's evidence replaces an earlier one's.
/// </summary>
/// <param name="Id">The finding's name within its run (its kind, e.g. <c>overfitting</c>): what <c>platform runs remedy RUN FINDING</c> takes.</param>
/// <param name="Kind">One of <see cref="FindingKinds"/>.</param>
/// <param name="Severity">One of <see cref="FindingSeverities"/>.</param>
/// <param name="Summary">One sentence a user can act on.</param>
/// <param name="Remedies">The guide's remedies, most likely first; a remedy run applies one of them (the first by default).</param>
/// <param name="Epoch">1-based epoch the finding was last evaluated at.</param>
/// <param name="Step">Global optimizer step the finding was last evaluated at.</param>
public sealed record RunFinding(
    string Id,
    string Kind,
    string Severity,
    string Summary,
    IReadOnlyList<FindingEvidence> Evidence,
    IReadOnlyList<FindingRemedy> Remedies,
    int Epoch,
    long Step);
