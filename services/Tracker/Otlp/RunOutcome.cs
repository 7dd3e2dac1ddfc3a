using System.Text.Json;
using Platform.Contracts.Runs;
using Platform.Contracts.Telemetry;
using Platform.Otlp;

namespace Platform.Tracker.Otlp;

public enum RunOutcome
{
    Completed,
    Failed,
    Cancelled,
}
