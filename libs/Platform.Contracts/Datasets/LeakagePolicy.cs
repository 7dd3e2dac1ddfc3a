using System.Text.Json.Serialization;

namespace Platform.Contracts.Datasets;

/// <summary>What ingest does with a near-duplicate whose original is in another split: <c>move</c> (default) moves the copy into its original's split, so val and test hold nothing train has; <c>report</c> only reports it.</summary>
[JsonConverter(typeof(WireEnumConverter<LeakagePolicy>))]
public enum LeakagePolicy
{
    Move,
    Report,
}
