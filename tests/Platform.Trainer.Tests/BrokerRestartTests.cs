using System.Net.Http.Json;
using Platform.Contracts;
using Platform.Contracts.Health;
using Platform.Testing;

namespace Platform.Trainer.Tests;

[Collection(BrokerRestartCollection.Name)]
public sealed class BrokerRestartTests(BrokerRestartFixture fixture)
{
    [Fact]
    public async Task A_broker_restarted_mid_run_leaves_the_run_finished_once_with_every_epoch_once_and_the_trainer_reconnected()
    {
        const int epochs = 4;
        var runId = Guid.NewGuid();
        await using var trainer = await fixture.StartTrainerAsync();
        await fixture.PublishAsync(TrainerFixture.Job(runId, TrainerFixture.SmallCnnConfig(epochs)));
        await fixture.WaitForFirstEpochCheckpointAsync(runId, trainer);

        // The trainer's connection, its held delivery and the test bus all go with the broker.
        await using (await fixture.Servers.StopBrokerAsync())
        {
            await Eventually.UntilAsync(async () => await BusStatusAsync(trainer) != HealthStates.Healthy, TimeSpan.FromSeconds(30), () => trainer.Output);
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        var trained = await fixture.WaitForModelAsync(runId, TimeSpan.FromMinutes(4), () => trainer.Output);
        await Eventually.UntilAsync(async () => await BusStatusAsync(trainer) == HealthStates.Healthy, TimeSpan.FromSeconds(60), () => trainer.Output);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(Enumerable.Range(1, epochs), await fixture.PackagedEpochsAsync(runId));
        Assert.Single(fixture.Trained, m => m.RunId == runId);
        Assert.DoesNotContain(fixture.Failed, m => m.RunId == runId);
        Assert.True(trained.Metrics["accuracy"] > 0.5);
    }

    private static async Task<string?> BusStatusAsync(ServiceHost trainer)
    {
        // Read whatever the status code: an unhealthy service answers 503 with the same document.
        using var response = await trainer.Client.GetAsync("/health");
        var health = await response.Content.ReadFromJsonAsync<HealthDocument>();
        return health?.Checks.FirstOrDefault(check => check.Name == "masstransit-bus")?.Status;
    }
}
