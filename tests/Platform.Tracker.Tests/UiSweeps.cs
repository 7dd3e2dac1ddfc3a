using System.Text.Json;
using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Testing;

namespace Platform.Tracker.Tests;

/// <summary>
/// A sweep for the UI tests, driven by the tracker's real sweep controller: it reserves and launches the trials as runs, decides at the
/// ASHA rung and prunes; the test plays the trainer (no trainer runs): it reports each trial's epochs through OTLP, waits for the
/// controller's verdict at the rung (the <c>passed</c> blob, or the prune mark), and ends the trial with the trainer's message
/// (<see cref="RunCancelled"/> for the pruned one, <see cref="ModelTrained"/> for the others).
/// </summary>
public static class UiSweeps
{
    /// <summary>Each trial's val_accuracy at epochs 1 and 2, by trial number; trial 1 falls below the rung's cutoff (0.6) and is pruned.</summary>
    public static readonly double[][] Accuracy = [[0.6, 0.72], [0.2], [0.7, 0.81], [0.65, 0.77]];

    public const int PrunedTrial = 1;

    /// <returns>The sweep's id, once it completed.</returns>
    public static async Task<Guid> RunAsync(TrackerFixture fixture, string experiment)
    {
        var blobs = new BlobServiceClient(fixture.Servers.BlobConnectionString);
        var dataset = $"ui-sweep-{Guid.NewGuid():N}"[..16];
        await DatasetSeeder.PublishFashionMnistAsync(blobs, dataset, 1, train: 20, validation: 10);
        var (status, created) = await fixture.SendJsonAsync(HttpMethod.Post, "/sweeps", new
        {
            experiment,
            dataset = dataset + ":1",
            modelName = $"ui-sweep-model-{Guid.NewGuid():N}"[..22],
            config = new { architecture = "small_cnn", imageSize = 28, epochs = 2 },
            parameters = new Dictionary<string, object>
            {
                ["lr"] = new { values = new[] { 0.001, 0.1 } },
                ["dropout"] = new { values = new[] { 0.0, 0.3 } },
            },
            method = "grid",
            objective = new { metric = "val_accuracy", goal = "maximize" },
            maxTrials = Accuracy.Length,
            parallelism = Accuracy.Length,
            earlyStopping = new { kind = "asha", gracePeriod = 1, reductionFactor = 2, maxEpochs = 2 },
        });
        Assert.True(status == 201, created.ToString());
        var id = created.GetProperty("id").GetGuid();
        var launched = await fixture.Tracker.PollAsync($"/sweeps/{id}",
            s => s.GetProperty("trials").EnumerateArray().Count(t => t.GetProperty("state").GetString() == "queued") == Accuracy.Length);
        var runs = launched.GetProperty("trials").EnumerateArray().OrderBy(t => t.GetProperty("number").GetInt32())
            .Select(t => t.GetProperty("runId").GetGuid()).ToArray();
        var model = created.GetProperty("spec").GetProperty("modelName").GetString()!;
        var container = blobs.GetBlobContainerClient(StorageLayout.RunsContainer);

        // One trial at a time reaches the rung, so the cutoffs are known: each compares with the trials before it.
        for (var trial = 0; trial < runs.Length; trial++)
        {
            await UiRuns.PostAsync(fixture.Tracker, Epoch(runs[trial], 1, Accuracy[trial][0]));
            if (trial == PrunedTrial)
            {
                await fixture.Tracker.PollAsync($"/sweeps/{id}", s => s.GetProperty("trials")[trial].GetProperty("prunedAtEpoch").ValueKind == JsonValueKind.Number);
                await fixture.Bus.Publish(new RunCancelled(runs[trial], "pruned by the sweep", DateTimeOffset.UtcNow));
                continue;
            }
            var passed = container.GetBlobClient(StorageLayout.RunRungPassed(runs[trial], 1));
            await Eventually.UntilAsync(async () => (await passed.ExistsAsync()).Value, TimeSpan.FromSeconds(30), () => $"trial {trial} never passed its rung");
        }
        for (var trial = 0; trial < runs.Length; trial++)
        {
            if (trial == PrunedTrial)
            {
                continue;
            }
            await UiRuns.PostAsync(fixture.Tracker, Epoch(runs[trial], 2, Accuracy[trial][1]));
            await fixture.Tracker.PollAsync($"/runs/{runs[trial]}", r => r.GetProperty("metrics").TryGetProperty("val_accuracy", out var v) && v.GetDouble() == Accuracy[trial][1]);
            await fixture.Bus.Publish(new ModelTrained(runs[trial], model, $"http://blobs/models/{runs[trial]:N}", dataset, 1,
                new Dictionary<string, double> { ["accuracy"] = Accuracy[trial][1] }, DateTimeOffset.UtcNow));
        }
        await fixture.Tracker.PollAsync($"/sweeps/{id}", s => s.GetProperty("state").GetString() == "completed");
        return id;
    }

    private static OtlpRequests.Span Epoch(Guid run, long epoch, double accuracy) =>
        OtlpRequests.Epoch(run, epoch, [("train_loss", 1.0 / epoch), ("val_loss", 1.2 - accuracy), ("val_accuracy", accuracy)]);
}
