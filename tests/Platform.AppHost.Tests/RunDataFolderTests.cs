using Platform.AppHost.BackingServices;

namespace Platform.AppHost.Tests;

public sealed class RunDataFolderTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("run-data-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public void Folders_of_runs_whose_process_is_gone_are_removed_and_live_ones_kept()
    {
        var live = Directory.CreateDirectory(Path.Combine(root.FullName, $"{Environment.ProcessId}-aaaa1111"));
        // Process ids are bounded by the kernel's pid_max (at most 2^22), so this one cannot be running.
        var abandoned = Directory.CreateDirectory(Path.Combine(root.FullName, "99999999-bbbb2222"));
        File.WriteAllText(Path.Combine(abandoned.FullName, "dump.rdb"), "data");
        var unrelated = Directory.CreateDirectory(Path.Combine(root.FullName, "not-a-run"));

        RunDataFolder.RemoveAbandoned(root.FullName);

        Assert.True(live.Exists);
        Assert.False(Directory.Exists(abandoned.FullName));
        Assert.True(Directory.Exists(unrelated.FullName));
    }

    [Fact]
    public void An_explicit_folder_is_created_and_deleted_with_its_content()
    {
        var explicitPath = Path.Combine(root.FullName, "explicit");

        var folder = RunDataFolder.Create(explicitPath);
        var redis = folder.CreateSubfolder("redis");
        File.WriteAllText(Path.Combine(redis, "appendonly.aof"), "x");
        folder.Delete();

        Assert.Equal(explicitPath, folder.Path);
        Assert.False(Directory.Exists(explicitPath));
    }
}
