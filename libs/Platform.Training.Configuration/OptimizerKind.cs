using System.Text.Json.Serialization;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Training.Configuration;

public enum OptimizerKind
{
    [JsonStringEnumMemberName("adamw")] AdamW,
    Sgd,
}
