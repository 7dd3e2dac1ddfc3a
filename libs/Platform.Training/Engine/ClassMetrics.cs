namespace Platform.Training.Engine;

/// <summary>Precision, recall and F1 of one class on the validation set.</summary>
public sealed record ClassMetrics(string Class, int Support, double Precision, double Recall, double F1);
