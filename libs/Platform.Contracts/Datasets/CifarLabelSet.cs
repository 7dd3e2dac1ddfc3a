using System.Text.Json.Serialization;

namespace Platform.Contracts.Datasets;

/// <summary>Which of CIFAR-100's two labels names the classes: <c>fine</c> (100 classes) or <c>coarse</c> (20 superclasses).</summary>
[JsonConverter(typeof(WireEnumConverter<CifarLabelSet>))]
public enum CifarLabelSet
{
    Fine,
    Coarse,
}
