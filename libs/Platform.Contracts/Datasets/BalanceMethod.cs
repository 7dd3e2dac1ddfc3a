using System.Text.Json.Serialization;

namespace Platform.Contracts.Datasets;

/// <summary>How ingest evens out the train split's classes: <c>none</c>, or <c>oversample</c> (augmented copies of minority classes).</summary>
[JsonConverter(typeof(WireEnumConverter<BalanceMethod>))]
public enum BalanceMethod
{
    None,
    Oversample,
}
