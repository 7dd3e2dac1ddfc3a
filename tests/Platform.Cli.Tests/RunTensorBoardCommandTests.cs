using System.Formats.Tar;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.Cli;

namespace Platform.Cli.Tests;

/// <summary><c>runs tensorboard</c> against a fake tracker serving the archive as <c>GET /runs/{id}/tensorboard</c> does.</summary>
public sealed class RunTensorBoardCommandTests : IDisposable
{
    private const string RunId = "7a1c2a9e-0b7d-4c55-9e1a-2d3f4b5c6d7e";
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"platform-cli-tb-{Guid.NewGuid():N}");

    private static byte[] Archive(params (string Name, byte[] Content)[] entries)
    {
        using var archive = new MemoryStream();
        using (var tar = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
            }
        }
        return archive.ToArray();
    }

    private static Task<FakeService> TrackerServing(byte[] archive) => FakeService.StartAsync(routes =>
        routes.MapGet($"/runs/{RunId}/tensorboard", () => Results.File(archive, "application/x-tar")));

    [Fact]
    public async Task The_run_s_event_files_land_in_a_folder_named_by_the_run_under_the_log_directory()
    {
        byte[] first = [1, 2, 3], second = [4, 5];
        await using var tracker = await TrackerServing(Archive(($"{RunId}/events.out.tfevents.1.a", first), ($"{RunId}/events.out.tfevents.2.b", second)));

        var result = await CliRun.InProcessAsync("runs", "tensorboard", RunId, "--out", directory, "--tracker-url", tracker.Address);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(directory, RunId, "events.out.tfevents.1.a")));
        Assert.Equal(second, File.ReadAllBytes(Path.Combine(directory, RunId, "events.out.tfevents.2.b")));
        Assert.Contains("2 event file(s)", result.Output);
        Assert.Contains($"tensorboard --logdir {directory}", result.Output);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("/etc/outside")]
    public async Task An_entry_outside_the_log_directory_is_refused_and_nothing_is_written(string name)
    {
        await using var tracker = await TrackerServing(Archive(($"{RunId}/events.out.tfevents.1.a", [1]), (name, [2])));

        var result = await CliRun.InProcessAsync("runs", "tensorboard", RunId, "--out", directory, "--tracker-url", tracker.Address);

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains("not a file inside the log directory", result.Error);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task An_unknown_run_says_so()
    {
        await using var tracker = await FakeService.StartAsync(routes =>
            routes.MapGet($"/runs/{RunId}/tensorboard", () => Results.Problem(statusCode: 404, title: "Run not found", detail: $"No run {RunId}.")));

        var result = await CliRun.InProcessAsync("runs", "tensorboard", RunId, "--out", directory, "--tracker-url", tracker.Address);

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.False(Directory.Exists(directory));
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
