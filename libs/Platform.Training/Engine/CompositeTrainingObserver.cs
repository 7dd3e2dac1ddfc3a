namespace Platform.Training.Engine;

/// <summary>Forwards each event to several observers in order.</summary>
public sealed class CompositeTrainingObserver(params ITrainingObserver[] observers) : ITrainingObserver
{
    public void OnEvent(TrainingEvent trainingEvent)
    {
        foreach (var observer in observers)
        {
            observer.OnEvent(trainingEvent);
        }
    }
}
