using Platform.Training.Models;

namespace Platform.Training.Engine;

/// <summary>The trained model (fp32, in eval mode, on the training device; the caller disposes it) and its report.</summary>
public sealed record TrainingResult(ImageClassifier Model, FinalReport Report) : IDisposable
{
    public void Dispose() => Model.Dispose();
}
