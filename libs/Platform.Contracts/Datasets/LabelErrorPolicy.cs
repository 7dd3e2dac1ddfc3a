using System.Text.Json.Serialization;

namespace Platform.Contracts.Datasets;

/// <summary>What ingest does with an image whose label is likely wrong: <c>report</c> (default) lists it and keeps it with its given label; <c>exclude</c> leaves it out of the version. It is never relabelled.</summary>
[JsonConverter(typeof(WireEnumConverter<LabelErrorPolicy>))]
public enum LabelErrorPolicy
{
    Report,
    Exclude,
}
