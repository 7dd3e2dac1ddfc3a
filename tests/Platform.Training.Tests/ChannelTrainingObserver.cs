using System.Threading.Channels;
using Platform.Training.Engine;

namespace Platform.Training.Tests;

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
