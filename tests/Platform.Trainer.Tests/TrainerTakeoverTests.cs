using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Contracts;
using Platform.Testing;
using Platform.Trainer.Jobs;
using Platform.Training.Checkpoints;

namespace Platform.Trainer.Tests;

/// <summary>
/// Several trainers competing for jobs, in a collection (and so a virtual host and queues) of their own: these tests
/// mostly wait on leases and process starts, so they run beside <see cref="TrainerServiceTests"/> instead of after it.
/// </summary>
[Collection(TrainerTakeoverCollection.Name)]
public sealed class TrainerTakeoverTests(TrainerFixture fixture)
{
    private static readonly Regex CheckpointWaiting = new(@"Blob storage cannot be reached \(.*\); checkpoint \S+ waits and retries");

    [Fact]
    public async Task A_trainer_killed_mid_epoch_is_replaced_and_the_run_resumes_from_its_mid_epoch_checkpoint_without_losing_or_repeating_samples()
    {
        // 1,000 training images in batches of 64: 15 steps (960 images) per epoch; a mid-epoch checkpoint every 5 steps.
        const int epochs = 5, stepsPerEpoch = 15, batchSize = 64, everySteps = 5;
        var runId = Guid.NewGuid();
        var first = await fixture.StartTrainerAsync();
        await fixture.PublishAsync(TrainerFixture.Job(runId, TrainerFixture.SmallCnnConfig(epochs, batchSize, tensorBoard: true, everySteps)));
        await fixture.WaitForCheckpointAsync(runId, CheckpointKeeper.MidEpochName(1, everySteps), first);

        await first.KillAsync();
        await first.DisposeAsync();
        // The newest checkpoint the killed trainer left: one inside epoch 1 (at step 5, or 10 if it got that far).
        var latest = (await fixture.CheckpointsAsync(runId)).Where(CheckpointKeeper.IsMidEpoch).Order(StringComparer.Ordinal).Last();
        long step = long.Parse(latest[^9..], CultureInfo.InvariantCulture);
        Assert.DoesNotContain(CheckpointKeeper.EpochName(1), await fixture.CheckpointsAsync(runId));
        await using var second = await fixture.StartTrainerAsync();
        var trained = await fixture.WaitForModelAsync(runId, TimeSpan.FromMinutes(4), () => second.Output);

        Assert.Equal(Enumerable.Range(1, epochs), await fixture.PackagedEpochsAsync(runId));
        Assert.Contains("attempt 2", second.Output);
        Assert.Contains("taken over: the trainer of attempt 1 stopped renewing its lease", second.Output);
        // The second attempt continued epoch 1 at the first sample the checkpoint had not trained on ...
        Assert.Contains($"at epoch 1, sample {step * batchSize} (", second.Output);
        // ... and took only the steps left: every epoch ends 15 steps after the one before, none taken twice.
        Assert.Equal(Enumerable.Range(1, epochs).Select(e => (long)e * stepsPerEpoch), await fixture.PackagedStepsAsync(runId));
        Assert.Single(fixture.Trained, m => m.RunId == runId);
        Assert.True(trained.Metrics["accuracy"] > 0.5);
        // The killed attempt's event file was stored with its checkpoints: the two attempts' files hold every epoch once
        // (the killed attempt finished none).
        var events = await fixture.TensorBoardEventsAsync(runId);
        var validationEpochs = Platform.Testing.TensorBoard.TensorBoardRecords.Scalars(events)["Loss/val"].Select(p => p.Step).ToList();
        Assert.Equal(Enumerable.Range(1, epochs).Select(e => (long)e), validationEpochs.Order());
        Assert.Equal(2, Platform.Testing.TensorBoard.TensorBoardRecords.HParams(events, "_hparams_/session_start_info").Count);
    }

    [Fact]
    public async Task Two_trainers_and_two_jobs_each_job_is_done_exactly_once()
    {
        await using var one = await fixture.StartTrainerAsync();
        await using var two = await fixture.StartTrainerAsync();
        var runs = new[] { Guid.NewGuid(), Guid.NewGuid() };

        foreach (var runId in runs)
        {
            await fixture.PublishAsync(TrainerFixture.Job(runId, TrainerFixture.SmallCnnConfig(epochs: 1)));
        }
        foreach (var runId in runs)
        {
            await fixture.WaitForModelAsync(runId, TimeSpan.FromMinutes(5), () => one.Output + two.Output);
        }
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.All(runs, runId => Assert.Single(fixture.Trained, m => m.RunId == runId));
        Assert.Contains(runs[0].ToString(), one.Output + two.Output);
        // Each trainer ran a job: one job at a time per trainer, so the second went to the idle replica.
        Assert.True(runs.All(r => one.Output.Contains(r.ToString()) || two.Output.Contains(r.ToString())));
        Assert.True(one.Output.Contains("completed") && two.Output.Contains("completed"), "both trainers should have completed a run");
    }

    [Fact]
    public async Task Blob_storage_down_during_checkpointing_pauses_the_run_which_then_finishes_every_epoch_once()
    {
        const int epochs = 3;
        var runId = Guid.NewGuid();
        await using var trainer = await fixture.StartTrainerAsync();
        await fixture.PublishAsync(TrainerFixture.Job(runId, TrainerFixture.SmallCnnConfig(epochs)));
        await fixture.WaitForFirstEpochCheckpointAsync(runId, trainer);

        // Until the next checkpoint has outlasted the SDK's own retries (cut to one here, TrainerFixture.FastLeases) and
        // the outage the lease (6 s): the checkpoint, lease renewals and cancel checks all fail meanwhile.
        var outage = Stopwatch.StartNew();
        await using (fixture.Servers.BlobStorageOutage())
        {
            await Eventually.UntilAsync(() => CheckpointWaiting.IsMatch(trainer.Output), TimeSpan.FromMinutes(2), () => trainer.Output);
            var beyondTheLease = TrainerFixture.LeaseDuration + TimeSpan.FromSeconds(1) - outage.Elapsed;
            await Task.Delay(beyondTheLease > TimeSpan.FromSeconds(1) ? beyondTheLease : TimeSpan.FromSeconds(1));
            Assert.DoesNotContain(fixture.Failed, m => m.RunId == runId);
        }
        var trained = await fixture.WaitForModelAsync(runId, TimeSpan.FromMinutes(3), () => trainer.Output);

        Assert.Equal(Enumerable.Range(1, epochs), await fixture.PackagedEpochsAsync(runId));
        Assert.Matches(@"Blob storage is reachable again after \d+ s; checkpoint \S+ succeeded", trainer.Output);
        Assert.False(trainer.Output.Contains("attempt 2"), trainer.Output);
        Assert.Single(fixture.Trained, m => m.RunId == runId);
        Assert.Equal(JobState.Completed, await fixture.LeaseStateAsync(runId));
        Assert.True(trained.Metrics["accuracy"] > 0.5);
    }
}
