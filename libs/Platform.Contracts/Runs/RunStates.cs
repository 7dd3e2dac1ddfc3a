namespace Platform.Contracts.Runs;

/// <summary>
/// Run states: queued (created, TrainModel published) → running (telemetry arrived) → completed | failed | cancelled | pruned
/// (a sweep's early-stopping rule stopped it: it keeps its checkpoints and curves, publishes no model, and can be resumed).
/// Strings rather than an enum: the tracker stores them as they are in Redis and its search filter compares them
/// (<c>state = 'completed'</c>), and they already follow the wire convention (lowercase).
/// </summary>
public static class RunStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Pruned = "pruned";

    public static readonly string[] All = [Queued, Running, Completed, Failed, Cancelled, Pruned];

    public static bool IsTerminal(string state) => state is Completed or Failed or Cancelled or Pruned;
}
