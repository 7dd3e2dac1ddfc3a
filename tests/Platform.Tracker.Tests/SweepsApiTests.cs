using System.Text.Json;
using Azure.Storage.Blobs;
using Platform.Testing;

namespace Platform.Tracker.Tests;

/// <summary>The sweep API's refusals: every problem of a spec at once, and a dataset that is not published, before any trial starts.</summary>
[Collection(TrackerCollection.Name)]
public sealed class SweepsApiTests(TrackerFixture fixture)
{
    private static object Spec(string dataset, object parameters) => new
    {
        experiment = "sweeps-api",
        dataset,
        modelName = "fashion-cnn",
        config = new { architecture = "small_cnn", imageSize = 28, epochs = 2 },
        parameters,
        method = "grid",
        objective = new { metric = "val_accuracy", goal = "maximize" },
        parallelism = 2,
    };

    [Fact]
    public async Task An_invalid_spec_is_400_naming_the_unknown_path_the_empty_range_and_the_value_the_trainer_would_refuse()
    {
        var (status, body) = await fixture.SendJsonAsync(HttpMethod.Post, "/sweeps", Spec("fashion-sweep-api:1", new Dictionary<string, object>
        {
            ["optimizer.momentumm"] = new { values = new[] { 0.9 } },
            ["dropout"] = new { distribution = "uniform", min = 0.4, max = 0.1 },
            ["batchSize"] = new { values = new[] { 32, 0 } },
        }));

        Assert.Equal(400, status);
        var errors = body.GetProperty("errors");
        Assert.Contains("not a training configuration field", errors.GetProperty("parameters.optimizer.momentumm")[0].GetString());
        Assert.Contains("range is empty", errors.GetProperty("parameters.dropout")[0].GetString());
        Assert.StartsWith("0 would be refused by the trainer: batchSize", errors.GetProperty("parameters.batchSize")[0].GetString());
    }

    [Fact]
    public async Task A_dataset_that_is_not_published_is_refused_and_no_sweep_or_trial_is_recorded()
    {
        var before = (await fixture.GetJsonAsync("/sweeps")).GetArrayLength();

        var (missing, missingBody) = await fixture.SendJsonAsync(HttpMethod.Post, "/sweeps",
            Spec("no-such-dataset", new { lr = new { values = new[] { 0.01, 0.001 } } }));
        var blobs = new BlobServiceClient(fixture.Servers.BlobConnectionString);
        await DatasetSeeder.PublishFashionMnistAsync(blobs, "fashion-sweep-api", 1, train: 20, validation: 10);
        var (absentVersion, _) = await fixture.SendJsonAsync(HttpMethod.Post, "/sweeps",
            Spec("fashion-sweep-api:2", new { lr = new { values = new[] { 0.01, 0.001 } } }));

        Assert.Equal(400, missing);
        Assert.Contains("not published; no trial was started", missingBody.GetProperty("errors").GetProperty("dataset")[0].GetString());
        Assert.Equal(400, absentVersion);
        Assert.Equal(before, (await fixture.GetJsonAsync("/sweeps")).GetArrayLength());
        Assert.DoesNotContain((await fixture.GetJsonAsync("/runs?experiment=sweeps-api")).EnumerateArray(), _ => true);
    }
}
