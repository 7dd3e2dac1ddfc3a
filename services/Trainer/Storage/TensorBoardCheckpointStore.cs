using Platform.Training.Checkpoints;

namespace Platform.Trainer.Storage;

/// <summary>
/// Stores the attempt's TensorBoard event files before each checkpoint, so a checkpoint in storage implies the event files
/// up to its epoch: a trainer killed with kill -9 loses no point its successor does not log again (the one epoch the
/// successor repeats may appear twice, as both attempts really trained it). A failure to store them is logged, never the run's.
/// </summary>
public sealed class TensorBoardCheckpointStore(ICheckpointStore checkpoints, TensorBoardFiles tensorBoard, StorageOutage outage, Guid runId,
    ILogger logger, CancellationToken cancellationToken) : ICheckpointStore
{
    public void Write(string name, Action<Stream> write)
    {
        try
        {
            tensorBoard.Store(outage, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Run {RunId}: the TensorBoard event files could not be stored before checkpoint {Checkpoint}", runId, name);
        }
        checkpoints.Write(name, write);
    }

    public Stream? OpenRead(string name) => checkpoints.OpenRead(name);

    public IReadOnlyList<string> List() => checkpoints.List();

    public void Delete(string name) => checkpoints.Delete(name);
}
