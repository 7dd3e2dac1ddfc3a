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

    [Fact]
    public void KeeperKeepsOnlyTheNewestMidEpochCheckpointUntilTheEpochsOwnReplacesIt()
    {
        var store = new LocalDirectoryCheckpointStore(directory);
        var keeper = new CheckpointKeeper(store, new CheckpointOptions(KeepLast: 2, EverySteps: 5));

        keeper.Save(1, isBest: true, s => s.WriteByte(1));
        Assert.Equal("mid-epoch-0002-step-000000015", keeper.SaveMidEpoch(2, 15, s => s.WriteByte(15)));
        Assert.Equal("mid-epoch-0002-step-000000015", keeper.Latest);
        keeper.SaveMidEpoch(2, 20, s => s.WriteByte(20));

        // Only the newest mid-epoch checkpoint is kept; it is newer than epoch 1's, and never the best.
        Assert.Equal(["best", "epoch-0001", "mid-epoch-0002-step-000000020"], store.List());
        Assert.Equal("mid-epoch-0002-step-000000020", keeper.Latest);
        Assert.True(CheckpointKeeper.IsMidEpoch(keeper.Latest!));
        Assert.False(CheckpointKeeper.IsMidEpoch("epoch-0002"));
        Assert.Equal([1], Read(store, "best"));

        // Epoch 2's own checkpoint supersedes it.
        var written = keeper.Save(2, isBest: false, s => s.WriteByte(2));
        Assert.Equal(["epoch-0002"], written);
        Assert.Equal(["best", "epoch-0001", "epoch-0002"], store.List());
        Assert.Equal("epoch-0002", keeper.Latest);
    }

    [Fact]
    public void KeeperResumesFromTheEpochCheckpointWhenAStaleMidEpochOneIsOlder()
    {
        var store = new LocalDirectoryCheckpointStore(directory);
        // What a crash between writing epoch 3's checkpoint and deleting epoch 3's mid-epoch one leaves.
        store.Write("mid-epoch-0003-step-000000040", s => s.WriteByte(40));
        store.Write("epoch-0003", s => s.WriteByte(3));

        Assert.Equal("epoch-0003", new CheckpointKeeper(store, new CheckpointOptions()).Latest);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
