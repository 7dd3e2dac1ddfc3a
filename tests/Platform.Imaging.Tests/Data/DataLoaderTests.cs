using Platform.Imaging.Data;
using Platform.Imaging.Transforms;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Imaging.Tests.Data;

public class DataLoaderTests
{
    private static readonly TransformPipeline Identity = new(new TransformRecipe(4, 1, [0f], [1f]));

    [Fact]
    public void Batches_cover_the_epoch_exactly_once_in_sampler_order()
    {
        var source = InMemorySource.Numbered(103, classCount: 7);
        var sampler = new RandomSampler(source.Count, seed: 9);
        var loader = new DataLoader(source, Identity, sampler, new LoaderOptions(BatchSize: 10, Workers: 3, PrefetchBatches: 2));

        var batches = loader.ReadEpoch(4).ToList();

        Assert.Equal(11, loader.BatchesPerEpoch);
        Assert.Equal(11, batches.Count);
        Assert.Equal(3, batches[^1].Count);
        Assert.Equal(sampler.Indices(4), batches.SelectMany(b => b.SampleIndices));
        foreach (var batch in batches)
        {
            Assert.Equal(batch.Count * 16, batch.Pixels.Length);
            for (var slot = 0; slot < batch.Count; slot++)
            {
                var index = batch.SampleIndices[slot];
                Assert.Equal(index % 7, batch.Labels[slot]);
                Assert.Equal(index / 255f, batch.Pixels[slot * 16], 1e-6f);
            }
        }
    }

    [Fact]
    public void Drop_last_omits_the_partial_batch()
    {
        var source = InMemorySource.Numbered(103, classCount: 2);
        var loader = new DataLoader(source, Identity, new SequentialSampler(source.Count),
            new LoaderOptions(BatchSize: 10, DropLast: true, Workers: 2));

        var batches = loader.ReadEpoch(0).ToList();

        Assert.Equal(10, loader.BatchesPerEpoch);
        Assert.Equal(10, batches.Count);
        Assert.All(batches, b => Assert.Equal(10, b.Count));
        Assert.Equal(Enumerable.Range(0, 100), batches.SelectMany(b => b.SampleIndices));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void An_epoch_read_from_a_skipped_start_continues_the_same_order_with_the_same_augmentation(int workers)
    {
        var images = Enumerable.Range(0, 50).Select(i => TestImages.Gradient(20 + i % 5, 18, salt: i)).ToList();
        var source = new InMemorySource(images, [.. Enumerable.Range(0, 50).Select(i => i % 4)], ["a", "b", "c", "d"]);
        var pipeline = new TransformPipeline(TransformRecipe.Train(12, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd,
            colorJitter: new ColorJitterOptions(0.4, 0.4, 0.4, 0.1)));
        var sampler = new RandomSampler(source.Count, seed: 5);
        // The epoch started with batches of 8 and drops its tail (48 of 50 samples); 16 were trained on before the interruption.
        var before = new DataLoader(source, pipeline, sampler, new LoaderOptions(BatchSize: 8, DropLast: true, Seed: 2, Workers: workers));
        var whole = before.ReadEpoch(3).ToList();
        // It continues with batches of 12: positions 16–47, the last batch shorter (12, 12, 8).
        var after = new DataLoader(source, pipeline, sampler, new LoaderOptions(BatchSize: 12, DropLast: true, Seed: 2, Workers: workers));
        var rest = after.ReadEpoch(3, skipSamples: 16, endSample: before.SamplesPerEpoch).ToList();

        Assert.Equal(48, before.SamplesPerEpoch);
        Assert.Equal([12, 12, 8], rest.Select(b => b.Count));
        Assert.Equal([16, 28, 40], rest.Select(b => b.FirstPosition));
        Assert.Equal([0, 1, 2], rest.Select(b => b.BatchNumber));
        Assert.Equal(whole.SelectMany(b => b.SampleIndices).Skip(16), rest.SelectMany(b => b.SampleIndices));
        Assert.Equal(whole.SelectMany(b => b.Pixels).Skip(16 * pipeline.OutputLength), rest.SelectMany(b => b.Pixels));
        Assert.Equal(whole.SelectMany(b => b.Labels).Skip(16), rest.SelectMany(b => b.Labels));
    }

    [Fact]
    public void A_read_outside_the_epoch_is_refused()
    {
        var source = InMemorySource.Numbered(20, classCount: 2);
        var loader = new DataLoader(source, Identity, new SequentialSampler(source.Count), new LoaderOptions(BatchSize: 4, Workers: 0));

        Assert.Throws<ArgumentOutOfRangeException>(() => loader.ReadEpoch(0, skipSamples: 12, endSample: 21).ToList());
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.ReadEpoch(0, skipSamples: 12, endSample: 8).ToList());
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.ReadEpoch(0, skipSamples: -1, endSample: 8).ToList());
        Assert.Empty(loader.ReadEpoch(0, skipSamples: 20, endSample: 20));
    }

    [Fact]
    public void Workers_never_run_more_than_prefetch_batches_ahead_of_the_consumer()
    {
        const int batchSize = 5, prefetch = 2;
        var source = InMemorySource.Numbered(60, classCount: 3);
        var loader = new DataLoader(source, Identity, new SequentialSampler(source.Count),
            new LoaderOptions(BatchSize: batchSize, Workers: 3, PrefetchBatches: prefetch));

        var received = 0;
        foreach (var batch in loader.ReadEpoch(0))
        {
            received++;
            // While we hold this batch, the workers fill the window of the next `prefetch` batches and stop there.
            var windowEnd = Math.Min(source.Count, (received + prefetch) * batchSize);
            Assert.True(SpinWait.SpinUntil(() => source.Loads >= windowEnd, TimeSpan.FromSeconds(10)),
                $"workers did not prefetch up to sample {windowEnd} (loaded {source.Loads})");
            Assert.Equal(windowEnd, source.Loads);
            Assert.Equal(windowEnd - 1, source.HighestLoadedIndex);
        }

        Assert.Equal(12, received);
    }

    [Fact]
    public void Output_is_identical_for_any_number_of_workers()
    {
        var images = Enumerable.Range(0, 37).Select(i => TestImages.Gradient(20 + i % 5, 18, salt: i)).ToList();
        var source = new InMemorySource(images, [.. Enumerable.Range(0, 37).Select(i => i % 4)], ["a", "b", "c", "d"]);
        var pipeline = new TransformPipeline(TransformRecipe.Train(12, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd,
            colorJitter: new ColorJitterOptions(0.4, 0.4, 0.4, 0.1)));
        float[] Read(int workers) => [.. new DataLoader(source, pipeline, new RandomSampler(37, 3),
                new LoaderOptions(BatchSize: 8, Seed: 11, Workers: workers, PrefetchBatches: 2))
            .ReadEpoch(1).SelectMany(b => b.Pixels)];

        var single = Read(0);
        Assert.Equal(single, Read(1));
        Assert.Equal(single, Read(4));
    }

    [Fact]
    public void Cancellation_stops_the_epoch()
    {
        var source = InMemorySource.Numbered(100, classCount: 2);
        var loader = new DataLoader(source, Identity, new SequentialSampler(100), new LoaderOptions(BatchSize: 10, Workers: 2));
        using var cancellation = new CancellationTokenSource();

        var enumerator = loader.ReadEpoch(0, cancellation.Token).GetEnumerator();
        Assert.True(enumerator.MoveNext());
        cancellation.Cancel();
        Assert.Throws<OperationCanceledException>(() => enumerator.MoveNext());
        enumerator.Dispose();
    }

    [Fact]
    public void A_failing_sample_is_reported_with_its_index()
    {
        var source = InMemorySource.Numbered(30, classCount: 2);
        source.FailWhen = index => index == 17 ? new InvalidDataException("broken") : null;
        var loader = new DataLoader(source, Identity, new SequentialSampler(30), new LoaderOptions(BatchSize: 4, Workers: 2));

        var failure = Assert.Throws<SampleLoadException>(() => loader.ReadEpoch(0).ToList());
        Assert.Equal(17, failure.SampleIndex);
        Assert.IsType<InvalidDataException>(failure.InnerException);
    }

    [Fact]
    public void Stopping_early_releases_the_workers()
    {
        var source = InMemorySource.Numbered(1000, classCount: 2);
        var loader = new DataLoader(source, Identity, new SequentialSampler(1000), new LoaderOptions(BatchSize: 10, Workers: 2, PrefetchBatches: 3));

        var first = loader.ReadEpoch(0).First();

        Assert.Equal(0, first.BatchNumber);
        var loadsAfterStop = source.Loads;
        Assert.InRange(loadsAfterStop, 10, 40);
    }
}
