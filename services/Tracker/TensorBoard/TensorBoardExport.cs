using System.Formats.Tar;
using System.Globalization;
using Platform.Contracts.Runs;
using Platform.Tracker.Runs;

namespace Platform.Tracker.TensorBoard;

/// <summary>A run's curves as a TensorBoard log directory (one event file) in a tar archive: <c>tar xf</c> it and point <c>tensorboard --logdir</c> at it.</summary>
public static class TensorBoardExport
{
    public static async Task<byte[]> CreateArchiveAsync(RunRecord run, CurveReader curves, DateTimeOffset writtenAt)
    {
        var byStep = new SortedDictionary<long, (double WallTime, List<(string, float)> Scalars)>();
        foreach (var summary in run.Curves)
        {
            var curve = await curves.ReadAsync(run.Id, summary.Name, maxPoints: null);
            for (var i = 0; i < curve.Steps.Count; i++)
            {
                if (!byStep.TryGetValue(curve.Steps[i], out var entry))
                {
                    byStep[curve.Steps[i]] = entry = (curve.WallTimes[i], []);
                }
                entry.Scalars.Add((summary.Name, (float)curve.Values[i]));
                byStep[curve.Steps[i]] = (Math.Max(entry.WallTime, curve.WallTimes[i]), entry.Scalars);
            }
        }
        var start = (run.StartedAt ?? run.CreatedAt).ToUnixTimeMilliseconds() / 1000.0;
        using var events = new MemoryStream();
        var writer = new TensorBoardEventWriter(events);
        writer.WriteFileVersion(start);
        foreach (var (step, (wallTime, scalars)) in byStep)
        {
            writer.WriteScalars(wallTime > 0 ? wallTime : start, step, scalars);
        }

        using var archive = new MemoryStream();
        await using (var tar = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            events.Position = 0;
            var name = string.Create(CultureInfo.InvariantCulture, $"{run.Id:D}/events.out.tfevents.{(long)start}.platform-tracker");
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = events, ModificationTime = writtenAt });
        }
        return archive.ToArray();
    }
}
