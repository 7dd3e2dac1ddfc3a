using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Health;
using Platform.Contracts.ModelPackages;
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
        await Eventually.UntilAsync(async () => (await fixture.CheckpointsAsync(runId)).Any(name => name.StartsWith("epoch-", StringComparison.Ordinal)),
            TimeSpan.FromMinutes(3), () => trainer.Output);

        // The trainer's connection, its held delivery and the test bus all go with the broker.
        await using (await fixture.Servers.StopBrokerAsync())
        {
            await Eventually.UntilAsync(async () => await BusStatusAsync(trainer) != HealthStates.Healthy, TimeSpan.FromSeconds(30), () => trainer.Output);
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        var trained = await fixture.WaitForModelAsync(runId, TimeSpan.FromMinutes(4), () => trainer.Output);
        await Eventually.UntilAsync(async () => await BusStatusAsync(trainer) == HealthStates.Healthy, TimeSpan.FromSeconds(60), () => trainer.Output);
        await Task.Delay(TimeSpan.FromSeconds(2));

        var models = fixture.Blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
        var metrics = JsonDocument.Parse((await models.GetBlobClient(StorageLayout.ModelPackageFile("fashion-cnn", runId, ModelPackageLayout.MetricsFile)).DownloadContentAsync()).Value.Content.ToString()).RootElement;
        Assert.Equal(Enumerable.Range(1, epochs), metrics.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("epoch").GetInt32()));
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
