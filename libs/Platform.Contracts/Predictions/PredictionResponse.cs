namespace Platform.Contracts.Predictions;

/// <summary>The inference service's answer to <c>POST /models/{name}/predict</c>: which version answered, and one result per image in order.</summary>
/// <param name="Alias">The alias that chose the version; null when the request pinned it.</param>
public sealed record PredictionResponse(string Model, int Version, string? Alias, Guid RunId, IReadOnlyList<ImagePrediction> Results, double TotalMs);
