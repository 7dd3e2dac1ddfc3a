using Platform.Contracts.Runs;
using Platform.Tracker.Otlp;

namespace Platform.Tracker.Runs;

/// <summary>The run state a result event's outcome ends a run in (the states and the run record are in Platform.Contracts.Runs).</summary>
public static class RunOutcomeStates
{
    public static string Of(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Completed => RunStates.Completed,
        RunOutcome.Failed => RunStates.Failed,
        _ => RunStates.Cancelled,
    };
}
