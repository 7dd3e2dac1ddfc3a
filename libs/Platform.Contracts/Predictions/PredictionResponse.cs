namespace Platform.Contracts.Predictions;

/// <summary>The inference service's answer to <c>POST /models/{name}/predict</c>: which version answered, and one result per image in order.</summary>
/// <param name="Alias">The alias that chose the version; null when the request pinned it.</param>
/// <param name="Temperature">
/// The temperature the probabilities were computed with: the package's calibration temperature, or 1 for the raw softmax
/// (<c>calibrated=false</c>, or a package without calibration).
/// </param>
/// <param name="Tta">The test-time augmentation the probabilities come from: <c>none</c>, or <c>flip</c> (the mean of the image's and its
/// mirror image's probabilities), as the request asked.</param>
public sealed record PredictionResponse(string Model, int Version, string? Alias, Guid RunId, IReadOnlyList<ImagePrediction> Results, double TotalMs,
    double Temperature = 1, string Tta = "none");
