namespace Platform.Inference.Serving;

/// <summary>The served version and one outcome per input, in input order.</summary>
public sealed record Prediction(ServedModel Model, string? Alias, IReadOnlyList<InferenceOutcome> Outcomes, double TotalMs);
