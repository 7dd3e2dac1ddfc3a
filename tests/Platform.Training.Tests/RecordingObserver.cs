using Platform.Training.Engine;

namespace Platform.Training.Tests;

/// <summary>Keeps every event and optionally reacts to it (e.g. cancels the run at a chosen point).</summary>
internal sealed class RecordingObserver(Action<TrainingEvent>? onEvent = null) : ITrainingObserver
{
    public List<TrainingEvent> Events { get; } = [];

    public void OnEvent(TrainingEvent trainingEvent)
    {
        Events.Add(trainingEvent);
        onEvent?.Invoke(trainingEvent);
    }
}
