using System.Text.Json.Serialization;

namespace Platform.Contracts.Datasets;

/// <summary>Whether ingest checks a dataset's health (near-duplicates, leakage, likely label errors, outliers): <c>auto</c> (up to <c>Ingest:HealthAutoMaxImages</c> accepted images), <c>on</c> or <c>off</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<HealthMode>))]
public enum HealthMode
{
    Auto,
    On,
    Off,
}
