using System.Text.Json.Serialization;

namespace Platform.Contracts.Datasets;

/// <summary>Where a dataset version is: <c>receiving</c> → <c>queued</c> → <c>processing</c> → <c>published</c> or <c>failed</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<DatasetVersionState>))]
public enum DatasetVersionState
{
    Receiving,
    Queued,
    Processing,
    Published,
    Failed,
}
