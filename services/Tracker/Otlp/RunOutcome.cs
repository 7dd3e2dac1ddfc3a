namespace Platform.Tracker.Otlp;

public enum RunOutcome
{
    Completed,
    Failed,
    Cancelled,
}
