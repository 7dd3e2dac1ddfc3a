namespace Platform.Training.Engine;

/// <summary>
/// Receives a run's events on the training thread, in order. Implementations should return quickly (queue work
/// elsewhere); an exception thrown here fails the run.
/// </summary>
public interface ITrainingObserver
{
    void OnEvent(TrainingEvent trainingEvent);
}
