namespace Platform.Contracts.Sweeps;

/// <summary>A sweep's states: running → completed (every trial ended) | stopped (on request) | failed (no trial could run).</summary>
public static class SweepStates
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Stopped = "stopped";
    public const string Failed = "failed";

    public static bool IsTerminal(string state) => state is Completed or Stopped or Failed;
}
