namespace Platform.Inference.Serving;

/// <summary>What one image got back: its logits and how it was served.</summary>
public sealed record InferenceOutcome(float[] Logits, int BatchSize, double QueueMs, double InferenceMs);
