namespace Platform.Training.Checkpoints;

/// <summary>
/// Where checkpoints live. The engine names checkpoints and streams their bytes; a store only has to make a write
/// atomic (a reader sees the old content or the complete new content, never a partial file).
/// </summary>
public interface ICheckpointStore
{
    /// <summary>Writes a checkpoint through <paramref name="write"/> and publishes it under <paramref name="name"/> atomically.</summary>
    void Write(string name, Action<Stream> write);

    /// <summary>Opens a checkpoint for reading, or returns null when there is none with that name.</summary>
    Stream? OpenRead(string name);

    /// <summary>Names of the stored checkpoints.</summary>
    IReadOnlyList<string> List();

    void Delete(string name);
}
