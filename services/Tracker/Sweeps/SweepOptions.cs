namespace Platform.Tracker.Sweeps;

/// <summary>Settings of the sweep controller (configuration section <c>Sweeps</c>).</summary>
public sealed class SweepOptions : ISelfValidatingOptions
{
    public const string SectionName = "Sweeps";

    /// <summary>How often the controller looks at its sweeps (trial ends, rung epochs, free slots). Default 500 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a tracker replica holds a sweep without renewing: after a crash, another replica (or the restarted one) takes the
    /// sweep over once it expired. Default 10 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<string> Violations()
    {
        if (PollInterval <= TimeSpan.Zero) yield return "Sweeps:PollInterval must be positive.";
        if (LeaseDuration <= PollInterval * 2) yield return "Sweeps:LeaseDuration must exceed two Sweeps:PollInterval (a lease must survive a slow pass).";
    }
}
