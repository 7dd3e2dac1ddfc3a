namespace Platform.Contracts.Runs;

/// <summary>How much a <see cref="RunFinding"/> matters: <c>info</c> (worth a look), <c>warning</c> (costs accuracy), <c>critical</c> (the run is not learning).</summary>
public static class FindingSeverities
{
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Critical = "critical";
}
