using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.Contracts.Datasets;
using Platform.Imaging.Formats.Shards;

namespace Platform.Cli.Tests;

/// <summary><c>platform datasets show</c> prints the health check's findings, or why it was skipped.</summary>
public sealed class DatasetHealthOutputTests
{
    private static readonly DatasetHealthSettings Settings = new(HealthMode.On, LeakagePolicy.Move, LabelErrorPolicy.Report, 0.92, 5, 3);

    [Fact]
    public async Task Show_prints_health_counts_the_moved_leak_and_the_label_issue_with_its_suggestion_and_a_skip_with_its_reason()
    {
        var health = new DatasetHealthReport(DatasetHealthStatus.Ran, null, Settings,
            new EmbeddingModelInfo("resnet18-imagenet", new string('a', 64), 128, 512, "stretched"), 3, 1, 0,
            [new NearDuplicatePair("cats/1.jpg", "cats/1-small.jpg", "cats", "cats", "train", "test", 0.987, Leakage: true, Moved: true, "0123456789abcdef", null)],
            [new LabelIssue("cats/7.jpg", "train", "cats", "dogs", 0.08, 0.71, 0.9, 0.66, false, null, [new ImageNeighbour("dogs/2.jpg", "dogs", 0.9, null)])],
            [], 1.5);
        await using var ingest = await FakeService.StartAsync(routes =>
        {
            routes.MapGet("/datasets/pets/versions/{version:int}", (int version) => Results.Json(Record(version,
                version == 1 ? health : DatasetHealthReport.Skipped("health=auto checks uploads of up to 1,000 accepted images", Settings))));
        });

        var ran = await CliRun.InProcessAsync(["datasets", "show", "pets:1", "--ingest-url", ingest.Address]);
        var skipped = await CliRun.InProcessAsync(["datasets", "show", "pets:2", "--ingest-url", ingest.Address]);

        Assert.True(ran.ExitCode == 0, ran.ToString());
        Assert.Contains("health: 3 images embedded at 128²", ran.Output);
        Assert.Contains("1 near-duplicate pair(s)", ran.Output);
        Assert.Contains("1 across splits, 1 moved", ran.Output);
        Assert.Contains("cats/1-small.jpg", ran.Output);
        Assert.Contains("moved", ran.Output);
        Assert.Contains("1 likely label error(s)", ran.Output);
        Assert.Contains("0.08 / 0.71", ran.Output);
        Assert.Contains("dogs", ran.Output);
        Assert.Contains("health: skipped (health=auto checks uploads of up to 1,000 accepted images)", skipped.Output);
    }

    private static DatasetVersionRecord Record(int version, DatasetHealthReport health) =>
        new("pets", version, DatasetVersionState.Published, IngestSettings.Default, "upload", new IngestProgress("done", 3, 3, 0),
            new IngestReport(["cats", "dogs"], [new SplitSummary("train", 2, [1, 1]), new SplitSummary("val", 0, [0, 0]), new SplitSummary("test", 1, [1, 0])],
                3, null, [0.5f, 0.5f, 0.5f], [0.2f, 0.2f, 0.2f], [], [], [], [], null, "class folders", 1.0, health),
            null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null);
}
