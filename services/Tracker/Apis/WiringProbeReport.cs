using Platform.Contracts;

namespace Platform.Tracker.Apis;

public sealed record WiringProbeReport(Guid ProbeId, IReadOnlyList<WiringProbeAnswered> Answers);
