using System.Text.Json.Serialization;

namespace Platform.Inference.Apis;

public sealed record V2InferResponse(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model_version")] string ModelVersion,
    string? Id,
    IReadOnlyList<V2OutputTensor> Outputs);
