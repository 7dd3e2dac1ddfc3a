using System.Collections.Concurrent;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;

namespace Platform.Training.Tests;

/// <summary>
/// Counts how often each training sample is decoded (once per sample the loader delivers in an epoch) and keeps the order of
/// the decodes. With <see cref="StopAfter"/> it stands in for a machine that dies: decodes past that many wait until
/// <see cref="Die"/> and then fail, so nothing after the point where the run is killed is decoded (the loader's workers
/// would otherwise decode a few batches ahead of the step that was being taken).
/// </summary>
internal sealed class LoadLedger(ILabeledImageSource source) : ILabeledImageSource
{
    private readonly ManualResetEventSlim dead = new();
    private int started;

    public ConcurrentDictionary<int, int> Loads { get; } = new();

    /// <summary>The decoded samples in the order they were decoded (the sampler's order with one loader worker).</summary>
    public ConcurrentQueue<int> Order { get; } = new();

    /// <summary>Decodes allowed before the machine dies; null = no limit.</summary>
    public int? StopAfter { get; init; }

    public int Count => source.Count;

    public IReadOnlyList<string> Classes => source.Classes;

    public int GetLabel(int index) => source.GetLabel(index);

    /// <summary>The machine dies: waiting and later decodes fail.</summary>
    public void Die() => dead.Set();

    public ImageBuffer Load(int index)
    {
        if (Interlocked.Increment(ref started) > StopAfter)
        {
            // Bounded, so a run that never reaches its kill point fails instead of hanging.
            dead.Wait(TimeSpan.FromSeconds(60));
            throw new IOException($"The machine died before sample {index} was decoded.");
        }

        Loads.AddOrUpdate(index, 1, (_, count) => count + 1);
        Order.Enqueue(index);
        return source.Load(index);
    }
}
