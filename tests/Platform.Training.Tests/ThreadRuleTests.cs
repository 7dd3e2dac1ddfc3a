using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

public sealed class ThreadRuleTests
{
    [Theory]
    [InlineData(2, 0.05, 1, 2)]  // an idle loader (decoded IDX, no augmentation) leaves libtorch both cores
    [InlineData(2, 0.6, 1, 1)]
    [InlineData(2, 1.0, 1, 1)]   // a core of JPEG decoding
    [InlineData(2, 1.9, 1, 1)]   // never below one thread
    [InlineData(2, 0.05, 2, 1)]  // two CPU replicas share the cores
    [InlineData(16, 3.2, 1, 13)]
    [InlineData(16, 2.0, 2, 7)]
    [InlineData(4, double.NaN, 1, 1)]
    public void ThreadsAreTheCoresTheLoaderLeavesSharedAmongCpuReplicas(int processors, double loaderCores, int replicas, int expected)
    {
        Assert.Equal(expected, TorchRuntime.ThreadsBesideLoader(processors, loaderCores, replicas));
    }

    private static int ThreadsChosenFor(ILabeledImageSource train)
    {
        // Defaults for threads (null) and loaderWorkers (2), tiny images without augmentation.
        var config = new TrainingConfig
        {
            Architecture = "small_cnn",
            InputChannels = 1,
            ImageSize = 8,
            Epochs = 1,
            BatchSize = 4,
            Augmentation = new AugmentationOptions(AugmentationPreset.None),
        };
        var observer = new RecordingObserver();
        using var result = new Trainer(config, new TrainingRunOptions { Observer = observer }).Run(train, FashionMnist.Slice(FashionMnist.Train, 50_000, 8));
        Assert.Equal(get_num_threads(), observer.Events.OfType<EpochCompleted>().Single().Metrics.Threads);
        return get_num_threads();
    }

    [Fact]
    public void TheDefaultThreadsFollowWhatTheLoaderNeeds()
    {
        if (TorchRuntime.FixedThreads(null) is not null)
        {
            return; // PLATFORM_TORCH_THREADS fixes the count on this machine: there is nothing for the engine to choose.
        }

        int before = get_num_threads();
        try
        {
            var images = FashionMnist.Slice(FashionMnist.Train, 0, 48);
            // Decoded IDX images: the two workers idle, and libtorch gets every core (the 2-core case: 2, not 1).
            Assert.Equal(Environment.ProcessorCount, ThreadsChosenFor(images));
            // A loader that keeps both workers busy (10 ms a sample, as a slow decode or storage read) gets its two cores back.
            Assert.Equal(Math.Max(1, Environment.ProcessorCount - 2), ThreadsChosenFor(new SlowSource(images)));
        }
        finally
        {
            set_num_threads(before);
        }
    }

    private sealed class SlowSource(ILabeledImageSource source) : ILabeledImageSource
    {
        public int Count => source.Count;

        public IReadOnlyList<string> Classes => source.Classes;

        public int GetLabel(int index) => source.GetLabel(index);

        public ImageBuffer Load(int index)
        {
            Thread.Sleep(10);
            return source.Load(index);
        }
    }
}
