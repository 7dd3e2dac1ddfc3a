using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts;
using Platform.Tracker.Diagnostics;

namespace Platform.Tracker.Apis;

public sealed record WiringProbeReport(Guid ProbeId, IReadOnlyList<WiringProbeAnswered> Answers);
