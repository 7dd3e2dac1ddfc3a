namespace Platform.Contracts.Predictions;

/// <summary>One label of a prediction: its name, its index among the model's labels, and its softmax probability.</summary>
public sealed record LabelProbability(string Label, int Index, double Probability);
