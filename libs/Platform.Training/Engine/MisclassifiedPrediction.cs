namespace Platform.Training.Engine;

/// <summary>A validation image the final model got wrong, as the single-view model (the exported graph) predicts it.</summary>
/// <param name="SampleIndex">The image's index in the validation source.</param>
/// <param name="Confidence">The softmax probability of <paramref name="PredictedClass"/>: how sure the model was of its wrong answer.</param>
/// <param name="TopClasses">The most probable classes, most probable first (at most three); <paramref name="PredictedClass"/> is the first.</param>
/// <param name="TopProbabilities">Their softmax probabilities, in the same order.</param>
public sealed record MisclassifiedPrediction(int SampleIndex, int TrueClass, int PredictedClass, double Confidence,
    IReadOnlyList<int> TopClasses, IReadOnlyList<double> TopProbabilities);
