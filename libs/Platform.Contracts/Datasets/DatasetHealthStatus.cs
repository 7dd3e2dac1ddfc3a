using System.Text.Json.Serialization;

namespace Platform.Contracts.Datasets;

/// <summary>Whether the health check ran (<c>ran</c>) or not (<c>skipped</c>, with the reason).</summary>
[JsonConverter(typeof(WireEnumConverter<DatasetHealthStatus>))]
public enum DatasetHealthStatus
{
    Ran,
    Skipped,
}
