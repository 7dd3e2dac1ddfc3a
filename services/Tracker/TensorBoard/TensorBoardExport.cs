using System.Formats.Tar;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Contracts.Runs;
using Platform.TensorBoard;
using Platform.Tracker.Runs;

namespace Platform.Tracker.TensorBoard;

/// <summary>
/// A run's curves as a TensorBoard log directory (one event file) in a tar archive: <c>tar xf</c> it and point
/// <c>tensorboard --logdir</c> at it. Curves carry the guide's tags (<see cref="TensorBoardTags"/>, the mapping the
/// engine's own event files use); the run's parameters and final metrics go in an HParams session, so the HParams
/// dashboard lists exported runs side by side. A run trained with <c>tensorboard.enabled</c> has the trainer's own event
/// files in blob storage (histograms and every step point besides): the archive then holds those instead.
/// </summary>
public static class TensorBoardExport
{
    /// <summary>The trainer's event files of the run when it stored any, else the export of the tracker's curves.</summary>
    public static async Task<byte[]> CreateArchiveAsync(RunRecord run, CurveReader curves, BlobServiceClient blobs, DateTimeOffset writtenAt,
        CancellationToken cancellationToken)
    {
        var trainerFiles = await TrainerFilesAsync(blobs, run.Id, cancellationToken);
        if (trainerFiles.Count == 0)
        {
            return await CreateArchiveAsync(run, curves, writtenAt);
        }

        using var archive = new MemoryStream();
        await using (var tar = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in trainerFiles)
            {
                using var data = content.ToStream();
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, $"{run.Id:D}/{name}") { DataStream = data, ModificationTime = writtenAt },
                    cancellationToken);
            }
        }
        return archive.ToArray();
    }

    private static async Task<List<(string Name, BinaryData Content)>> TrainerFilesAsync(BlobServiceClient blobs, Guid runId, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(StorageLayout.RunsContainer);
        var prefix = StorageLayout.RunTensorBoardPrefix(runId);
        var files = new List<(string, BinaryData)>();
        try
        {
            await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, cancellationToken))
            {
                var content = await container.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken);
                files.Add((blob.Name[prefix.Length..], content.Value.Content));
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // No runs container yet: no trainer has stored anything.
        }
        return files.OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    }

    /// <summary>The tracker's curves of the run as one event file.</summary>
    public static async Task<byte[]> CreateArchiveAsync(RunRecord run, CurveReader curves, DateTimeOffset writtenAt)
    {
        var byStep = new SortedDictionary<long, (double WallTime, List<(string, float)> Scalars)>();
        foreach (var summary in run.Curves)
        {
            var curve = await curves.ReadAsync(run.Id, summary.Name, maxPoints: null);
            var tag = TensorBoardTags.For(summary.Name);
            for (var i = 0; i < curve.Steps.Count; i++)
            {
                if (!byStep.TryGetValue(curve.Steps[i], out var entry))
                {
                    byStep[curve.Steps[i]] = entry = (curve.WallTimes[i], []);
                }
                entry.Scalars.Add((tag, (float)curve.Values[i]));
                byStep[curve.Steps[i]] = (Math.Max(entry.WallTime, curve.WallTimes[i]), entry.Scalars);
            }
        }
        var start = (run.StartedAt ?? run.CreatedAt).ToUnixTimeMilliseconds() / 1000.0;
        using var events = new MemoryStream();
        var writer = new TensorBoardEventWriter(events);
        writer.WriteFileVersion(start);
        writer.WriteHParamsSessionStart(start, run.Params, groupName: run.Experiment);
        foreach (var (step, (wallTime, scalars)) in byStep)
        {
            writer.WriteScalars(wallTime > 0 ? wallTime : start, step, scalars);
        }

        var end = run.EndedAt is { } ended ? ended.ToUnixTimeMilliseconds() / 1000.0 : writtenAt.ToUnixTimeMilliseconds() / 1000.0;
        if (run.FinalMetrics.Count > 0)
        {
            writer.WriteScalars(end, byStep.Count == 0 ? 0 : byStep.Keys.Last(),
                run.FinalMetrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (TensorBoardTags.Final(m.Key), (float)m.Value)).ToList());
        }
        if (SessionStatus(run.State) is { } status)
        {
            writer.WriteHParamsSessionEnd(end, status);
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

    /// <summary>A run that has not ended has no session end yet: TensorBoard shows it as running or unknown.</summary>
    private static HParamsSessionStatus? SessionStatus(string state) => state switch
    {
        RunStates.Completed => HParamsSessionStatus.Success,
        RunStates.Failed or RunStates.Cancelled => HParamsSessionStatus.Failure,
        _ => null,
    };
}
