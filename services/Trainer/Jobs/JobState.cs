using System.Text.Json.Serialization;
using Platform.Contracts;

namespace Platform.Trainer.Jobs;

[JsonConverter(typeof(WireEnumConverter<JobState>))]
public enum JobState
{
    Running,
    Interrupted,
    Completed,
    Failed,
    Cancelled,
}
