namespace Platform.Contracts.Predictions;

/// <summary>The answer for one image: its top labels, most probable first, and how long it waited and ran.</summary>
/// <param name="Name">The multipart file name; null for a single-image body.</param>
/// <param name="Logits">The raw logits, when asked for with <c>logits=true</c>.</param>
public sealed record ImagePrediction(string? Name, IReadOnlyList<LabelProbability> Predictions, float[]? Logits, int BatchSize, double QueueMs, double InferenceMs);
