using Platform.Training.Checkpoints;
using Platform.Training.Configuration;

namespace Platform.Training.Tests;

public sealed class CheckpointStoreTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("checkpoint-store-").FullName;

    private static byte[] Read(ICheckpointStore store, string name)
    {
        using var stream = store.OpenRead(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public void WrittenCheckpointCanBeReadListedAndDeleted()
    {
        var store = new LocalDirectoryCheckpointStore(directory);

        store.Write("epoch-0001", s => s.Write([1, 2, 3]));

        Assert.Equal([1, 2, 3], Read(store, "epoch-0001"));
        Assert.Equal(["epoch-0001"], store.List());
        store.Delete("epoch-0001");
        Assert.Empty(store.List());
        Assert.Null(store.OpenRead("epoch-0001"));
    }

    [Fact]
    public void FailedWriteLeavesThePreviousCheckpointAndNoPartialFile()
    {
        var store = new LocalDirectoryCheckpointStore(directory);
        store.Write("best", s => s.Write([7, 7]));

        Assert.Throws<IOException>(() => store.Write("best", s =>
        {
            s.Write([1, 2, 3, 4]);
            throw new IOException("disk full");
        }));

        Assert.Equal([7, 7], Read(store, "best"));
        Assert.Equal(["best.ckpt"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void NamesThatEscapeTheDirectoryAreRejected()
    {
        var store = new LocalDirectoryCheckpointStore(directory);

        Assert.Throws<ArgumentException>(() => store.Write("../outside", _ => { }));
        Assert.Throws<ArgumentException>(() => store.Write("a/b", _ => { }));
    }

    [Fact]
    public void KeeperRetainsTheNewestKEpochsAndTheBest()
    {
        var store = new LocalDirectoryCheckpointStore(directory);
        var keeper = new CheckpointKeeper(store, new CheckpointOptions(KeepLast: 2));

        keeper.Save(1, isBest: true, s => s.WriteByte(1));
        keeper.Save(2, isBest: false, s => s.WriteByte(2));
        var written = keeper.Save(3, isBest: true, s => s.WriteByte(3));
        keeper.Save(4, isBest: false, s => s.WriteByte(4));

        Assert.Equal(["epoch-0003", "best"], written);
        Assert.Equal(["best", "epoch-0003", "epoch-0004"], store.List());
        Assert.Equal([3], Read(store, "best"));
        Assert.Equal("epoch-0004", keeper.Latest);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
