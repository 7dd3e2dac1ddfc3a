using Platform.AppHost.BackingServices;

namespace Platform.AppHost.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ExecutableLocatorTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("locator-");

    public void Dispose() => folder.Delete(recursive: true);

    private string CreateFile(string name, bool executable)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n");
        File.SetUnixFileMode(path, executable ? UnixFileMode.UserRead | UnixFileMode.UserExecute : UnixFileMode.UserRead);
        return path;
    }

    [Fact]
    public void A_bare_name_is_found_on_the_path()
    {
        var expected = CreateFile("fake-server", executable: true);

        var found = ExecutableLocator.Find("fake-server", $"/nonexistent{Path.PathSeparator}{folder.FullName}");

        Assert.Equal(expected, found);
    }

    [Fact]
    public void A_file_without_execute_permission_is_not_a_program()
    {
        CreateFile("fake-server", executable: false);

        Assert.Null(ExecutableLocator.Find("fake-server", folder.FullName));
        Assert.Null(ExecutableLocator.Find(Path.Combine(folder.FullName, "fake-server"), null));
    }

    [Fact]
    public void A_path_is_taken_as_it_is_and_not_searched_on_the_path()
    {
        var expected = CreateFile("fake-server", executable: true);

        Assert.Equal(expected, ExecutableLocator.Find(expected, null));
        Assert.Null(ExecutableLocator.Find("./fake-server", folder.FullName));
    }

    [Fact]
    public void A_missing_program_is_not_found()
    {
        Assert.Null(ExecutableLocator.Find("no-such-program-anywhere", folder.FullName));
        Assert.Null(ExecutableLocator.Find("", folder.FullName));
    }
}
