using System.Text.Json.Serialization;

namespace Platform.Contracts.Datasets;

/// <summary>
/// How ingest evens out the train split's classes: <c>none</c>, <c>oversample</c> (augmented copies of minority
/// classes) or <c>undersample</c> (a seeded choice of the majority classes' train images is left out).
/// </summary>
[JsonConverter(typeof(WireEnumConverter<BalanceMethod>))]
public enum BalanceMethod
{
    None,
    Oversample,
    Undersample,
}
