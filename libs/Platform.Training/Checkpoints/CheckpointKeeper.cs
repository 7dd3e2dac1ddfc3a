using System.Globalization;
using Platform.Training.Configuration;

namespace Platform.Training.Checkpoints;

/// <summary>
/// Names and retains a run's checkpoints in a store: <c>epoch-NNNN</c> after each completed epoch (the newest
/// <see cref="CheckpointOptions.KeepLast"/> are kept), <c>best</c> whenever the monitored metric improves, and with
/// <see cref="CheckpointOptions.EverySteps"/> <c>mid-epoch-NNNN-step-SSSSSSSSS</c> inside epoch NNNN (1-based, in progress)
/// after step S: only the newest of those is kept, the epoch's own checkpoint replaces it, and it is never <c>best</c>
/// (it has no validation figures).
/// </summary>
public sealed class CheckpointKeeper
{
    public const string BestName = "best";
    private const string EpochPrefix = "epoch-";
    private const string MidEpochPrefix = "mid-epoch-";
    private const string StepInfix = "-step-";

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

    /// <param name="epoch">The 1-based epoch in progress.</param>
    /// <param name="step">Optimizer steps taken in the run so far.</param>
    public static string MidEpochName(int epoch, long step) =>
        MidEpochPrefix + epoch.ToString("D4", CultureInfo.InvariantCulture) + StepInfix + step.ToString("D9", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="name"/> is a mid-epoch checkpoint's name.</summary>
    public static bool IsMidEpoch(string name) => ParseMidEpoch(name) is not null;

    /// <summary>The newest checkpoint to resume from (an epoch's, or a mid-epoch one written after it), or null when the store has none.</summary>
    public string? Latest
    {
        get
        {
            var names = store.List();
            var epoch = EpochCheckpoints(names).LastOrDefault();
            var midEpoch = MidEpochCheckpoints(names).LastOrDefault();
            // A mid-epoch checkpoint of epoch e is newer than epoch e − 1's and older than epoch e's.
            return midEpoch.Name is not null && (epoch.Name is null || midEpoch.Epoch > epoch.Epoch) ? midEpoch.Name : epoch.Name;
        }
    }

    /// <summary>Writes the checkpoint of <paramref name="epoch"/> (1-based), and as best when it is; prunes old ones and the epoch's mid-epoch ones.</summary>
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

        var names = store.List();
        var epochs = EpochCheckpoints(names);
        foreach (var old in epochs.Take(Math.Max(0, epochs.Count - keepLast)))
        {
            store.Delete(old.Name);
        }

        foreach (var superseded in MidEpochCheckpoints(names).Where(m => m.Epoch <= epoch))
        {
            store.Delete(superseded.Name);
        }

        return written;
    }

    /// <summary>Writes a mid-epoch checkpoint of <paramref name="epoch"/> (1-based, in progress) after <paramref name="step"/> and deletes the older mid-epoch ones.</summary>
    /// <returns>The name written.</returns>
    public string SaveMidEpoch(int epoch, long step, Action<Stream> write)
    {
        string name = MidEpochName(epoch, step);
        store.Write(name, write);
        foreach (var older in MidEpochCheckpoints(store.List()).Where(m => m.Name != name))
        {
            store.Delete(older.Name);
        }

        return name;
    }

    public Stream? Open(string name) => store.OpenRead(name);

    private static List<(string Name, int Epoch)> EpochCheckpoints(IEnumerable<string> names) =>
        names.Where(n => n.StartsWith(EpochPrefix, StringComparison.Ordinal)
                         && int.TryParse(n.AsSpan(EpochPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(n => (n, int.Parse(n.AsSpan(EpochPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture)))
            .OrderBy(c => c.Item2).ToList();

    private static List<(string Name, int Epoch, long Step)> MidEpochCheckpoints(IEnumerable<string> names) =>
        names.Select(n => ParseMidEpoch(n) is { } parsed ? (n, parsed.Epoch, parsed.Step) : ((string, int, long)?)null)
            .OfType<(string Name, int Epoch, long Step)>()
            .OrderBy(c => c.Epoch).ThenBy(c => c.Step).ToList();

    private static (int Epoch, long Step)? ParseMidEpoch(string name)
    {
        if (!name.StartsWith(MidEpochPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = name.AsSpan(MidEpochPrefix.Length);
        int infix = rest.IndexOf(StepInfix, StringComparison.Ordinal);
        return infix > 0
               && int.TryParse(rest[..infix], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch)
               && long.TryParse(rest[(infix + StepInfix.Length)..], NumberStyles.None, CultureInfo.InvariantCulture, out long step)
            ? (epoch, step)
            : null;
    }
}
