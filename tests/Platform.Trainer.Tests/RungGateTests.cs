using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Trainer.Jobs;
using Platform.Training.Engine;

namespace Platform.Trainer.Tests;

public sealed class RungGateTests
{
    [Fact]
    public void A_mid_epoch_checkpoint_of_a_rung_epoch_does_not_hold_the_trial()
    {
        int flushes = 0;
        // Nothing listens there: a gate that looked for the verdict would fail to reach it.
        var runs = new BlobContainerClient(new Uri("http://127.0.0.1:9/runs"));
        var gate = new RungGate(runs, Guid.NewGuid(), [1], () => flushes++, TimeSpan.FromMinutes(1), NullLogger.Instance, CancellationToken.None);

        gate.OnEvent(new CheckpointSaved("mid-epoch-0001-step-000000005", 1, IsBest: false) { SamplesInEpoch = 320 });

        // The rung is decided on the epoch's figures, after its own checkpoint: nothing was flushed or awaited.
        Assert.Equal(0, flushes);
    }
}
