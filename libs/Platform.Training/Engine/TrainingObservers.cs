using System.Threading.Channels;

namespace Platform.Training.Engine;

/// <summary>
/// Receives a run's events on the training thread, in order. Implementations should return quickly (queue work
/// elsewhere); an exception thrown here fails the run.
/// </summary>
public interface ITrainingObserver
{
    void OnEvent(TrainingEvent trainingEvent);
}

/// <summary>
/// Buffers events for an asynchronous reader: <c>await foreach (var e in observer.ReadAllAsync(ct))</c>. The stream
/// ends after the run's terminal event (completed, cancelled or failed).
/// </summary>
public sealed class ChannelTrainingObserver : ITrainingObserver
{
    private readonly Channel<TrainingEvent> channel = Channel.CreateUnbounded<TrainingEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public void OnEvent(TrainingEvent trainingEvent)
    {
        channel.Writer.TryWrite(trainingEvent);
        if (trainingEvent is RunCompleted or RunCancelled or RunFailed)
        {
            channel.Writer.TryComplete();
        }
    }

    public IAsyncEnumerable<TrainingEvent> ReadAllAsync(CancellationToken cancellationToken = default) =>
        channel.Reader.ReadAllAsync(cancellationToken);
}

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
