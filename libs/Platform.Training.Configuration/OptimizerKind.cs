using System.Text.Json.Serialization;

namespace Platform.Training.Configuration;

public enum OptimizerKind
{
    [JsonStringEnumMemberName("adamw")] AdamW,
    Sgd,
}
