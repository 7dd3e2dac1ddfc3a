using System.Globalization;
using Platform.Training.Configuration;

namespace Platform.Training.Checkpoints;

/// <summary>
/// Names and retains a run's checkpoints in a store: <c>epoch-NNNN</c> after each completed epoch (the newest
/// <see cref="CheckpointOptions.KeepLast"/> are kept) and <c>best</c> whenever the monitored metric improves.
/// </summary>
public sealed class CheckpointKeeper
{
    public const string BestName = "best";
    private const string EpochPrefix = "epoch-";

    private readonly ICheckpointStore store;
    private readonly int keepLast;

    public CheckpointKeeper(ICheckpointStore store, CheckpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        this.store = store;
        keepLast = options.KeepLast;
    }

    public static string EpochName(int epoch) => EpochPrefix + epoch.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>The newest epoch checkpoint, or null when the store has none.</summary>
    public string? Latest => EpochCheckpoints().LastOrDefault();

    /// <summary>Writes the checkpoint of <paramref name="epoch"/> (1-based), and as best when it is; prunes old ones.</summary>
    /// <param name="writeBest">What the best checkpoint holds when it differs from the epoch's (the EMA weights scored better); null = the same.</param>
    /// <returns>The names written.</returns>
    public IReadOnlyList<string> Save(int epoch, bool isBest, Action<Stream> write, Action<Stream>? writeBest = null)
    {
        var written = new List<string> { EpochName(epoch) };
        store.Write(written[0], write);
        if (isBest)
        {
            store.Write(BestName, writeBest ?? write);
            written.Add(BestName);
        }

        var epochs = EpochCheckpoints();
        foreach (var old in epochs.Take(Math.Max(0, epochs.Count - keepLast)))
        {
            store.Delete(old);
        }

        return written;
    }

    public Stream? Open(string name) => store.OpenRead(name);

    private List<string> EpochCheckpoints() =>
        store.List().Where(n => n.StartsWith(EpochPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
}
