using Platform.Imaging.Transforms;
using Platform.Imaging.Formats.Data;

namespace Platform.Imaging.Data;

/// <summary>
/// Turns a source, a transform pipeline and a sampler into batches. Worker threads decode and transform samples in
/// sampler order into at most <see cref="LoaderOptions.PrefetchBatches"/> batches ahead of the consumer; batches
/// come out in sampler order whatever the workers' timing. A sample's random augmentation is drawn from
/// (Seed, epoch, position of the sample in the epoch), so output does not depend on the number of workers, and
/// repeated draws of one image within an epoch (oversampling) get different augmentations.
/// </summary>
public sealed class DataLoader
{
    private readonly ILabeledImageSource _source;
    private readonly TransformPipeline _pipeline;
    private readonly ISampler _sampler;
    private readonly LoaderOptions _options;
    private long _busyTicks;

    public DataLoader(ILabeledImageSource source, TransformPipeline pipeline, ISampler sampler, LoaderOptions options)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
        _sampler = sampler ?? throw new ArgumentNullException(nameof(sampler));
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validated();
    }

    public LoaderOptions Options => _options;

    /// <summary>Samples delivered per epoch (the sampler's length, less the dropped tail when DropLast).</summary>
    public int SamplesPerEpoch => _options.DropLast
        ? _sampler.SamplesPerEpoch / _options.BatchSize * _options.BatchSize
        : _sampler.SamplesPerEpoch;

    /// <summary>The sampler's length: positions an epoch's order has, before any dropped tail.</summary>
    public int SamplerLength => _sampler.SamplesPerEpoch;

    public int BatchesPerEpoch => (SamplesPerEpoch + _options.BatchSize - 1) / _options.BatchSize;

    /// <summary>
    /// Time spent loading and transforming samples, summed over the workers, since this loader was made: busy time per
    /// second of wall time is how many cores the loader actually needs (the trainer's thread rule reads it).
    /// </summary>
    public TimeSpan BusyTime => System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks));

    /// <summary>
    /// The batches of one epoch in sampler order. Stopping the enumeration early stops the workers. A failing sample
    /// surfaces as <see cref="SampleLoadException"/>; cancellation as <see cref="OperationCanceledException"/>.
    /// </summary>
    public IEnumerable<ImageBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default) =>
        ReadEpoch(epoch, 0, SamplesPerEpoch, cancellationToken);

    /// <summary>
    /// The batches of positions [<paramref name="skipSamples"/>, <paramref name="endSample"/>) of one epoch's sampler order:
    /// how a resumed epoch continues at its first unseen sample whatever the batch size is now. The order, and each sample's
    /// augmentation, are those of the whole epoch (they depend on the position, not on the batch). The batches are
    /// <see cref="LoaderOptions.BatchSize"/> long but the last, which holds what is left.
    /// </summary>
    /// <param name="endSample">Where the epoch ends: <see cref="SamplesPerEpoch"/>, or the end fixed when the epoch started
    /// with another batch size (at most the sampler's length).</param>
    public IEnumerable<ImageBatch> ReadEpoch(int epoch, int skipSamples, int endSample, CancellationToken cancellationToken = default)
    {
        if (skipSamples < 0 || endSample < skipSamples || endSample > _sampler.SamplesPerEpoch)
        {
            throw new ArgumentOutOfRangeException(nameof(skipSamples),
                $"Samples [{skipSamples}, {endSample}) are not inside the epoch's {_sampler.SamplesPerEpoch}.");
        }

        var indices = _sampler.Indices(epoch);
        if (indices.Length != _sampler.SamplesPerEpoch)
        {
            throw new InvalidOperationException($"The sampler returned {indices.Length} indices but declares {_sampler.SamplesPerEpoch}.");
        }

        var range = new EpochRange(skipSamples, endSample, _options.BatchSize);
        return _options.Workers == 0
            ? ReadOnCallingThread(indices, epoch, range, cancellationToken)
            : ReadWithWorkers(indices, epoch, range, cancellationToken);
    }

    /// <summary>The positions one read of an epoch delivers, cut into batches.</summary>
    private readonly record struct EpochRange(int Start, int End, int BatchSize)
    {
        public int Batches => (End - Start + BatchSize - 1) / BatchSize;

        public int FirstPosition(int batchNumber) => Start + batchNumber * BatchSize;

        public int CountOf(int batchNumber) => Math.Min(BatchSize, End - FirstPosition(batchNumber));
    }

    private IEnumerable<ImageBatch> ReadOnCallingThread(int[] indices, int epoch, EpochRange range, CancellationToken cancellationToken)
    {
        for (var batchNumber = 0; batchNumber < range.Batches; batchNumber++)
        {
            var batch = CreateBatch(range, batchNumber);
            for (var slot = 0; slot < batch.Count; slot++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                FillSlot(batch, slot, indices, epoch);
            }

            yield return batch;
        }
    }

    private IEnumerable<ImageBatch> ReadWithWorkers(int[] indices, int epoch, EpochRange range, CancellationToken cancellationToken)
    {
        using var run = new EpochRun(this, indices, epoch, range, cancellationToken);
        for (var batchNumber = 0; batchNumber < range.Batches; batchNumber++)
        {
            yield return run.Take(batchNumber);
        }
    }

    private ImageBatch CreateBatch(EpochRange range, int batchNumber) =>
        new(batchNumber, range.FirstPosition(batchNumber), range.CountOf(batchNumber), _pipeline.OutputChannels, _pipeline.OutputHeight, _pipeline.OutputWidth);

    private void FillSlot(ImageBatch batch, int slot, int[] indices, int epoch)
    {
        var position = batch.FirstPosition + slot;
        var sampleIndex = indices[position];
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var image = _source.Load(sampleIndex);
            var length = _pipeline.OutputLength;
            _pipeline.Apply(image, batch.Pixels.AsSpan(slot * length, length), _options.Seed, epoch, position);
            batch.Labels[slot] = _source.GetLabel(sampleIndex);
            batch.SampleIndices[slot] = sampleIndex;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new SampleLoadException(sampleIndex, exception);
        }
        finally
        {
            Interlocked.Add(ref _busyTicks, System.Diagnostics.Stopwatch.GetTimestamp() - started);
        }
    }

    /// <summary>The shared state of one epoch's workers; every field is guarded by <see cref="_gate"/>.</summary>
    private sealed class EpochRun : IDisposable
    {
        private readonly DataLoader _loader;
        private readonly int[] _indices;
        private readonly int _epoch;
        private readonly EpochRange _range;
        private readonly CancellationToken _cancellationToken;
        private readonly object _gate = new();
        private readonly ImageBatch?[] _batches;
        private readonly int[] _pendingSamples;
        private readonly Thread[] _workers;
        private readonly CancellationTokenRegistration _registration;
        private int _nextPosition;
        private int _batchesHandedOut;
        private bool _stopping;
        private Exception? _failure;

        public EpochRun(DataLoader loader, int[] indices, int epoch, EpochRange range, CancellationToken cancellationToken)
        {
            _loader = loader;
            _indices = indices;
            _epoch = epoch;
            _range = range;
            _cancellationToken = cancellationToken;
            _nextPosition = range.Start;
            var batchCount = range.Batches;
            _batches = new ImageBatch?[batchCount];
            _pendingSamples = new int[batchCount];
            for (var batchNumber = 0; batchNumber < batchCount; batchNumber++)
            {
                _pendingSamples[batchNumber] = range.CountOf(batchNumber);
            }

            _registration = cancellationToken.Register(Stop);
            _workers = new Thread[loader._options.Workers];
            for (var i = 0; i < _workers.Length; i++)
            {
                _workers[i] = new Thread(Work) { IsBackground = true, Name = $"DataLoader worker {i}" };
                _workers[i].Start();
            }
        }

        /// <summary>Waits for batch <paramref name="batchNumber"/>, hands it out and lets the workers start one more.</summary>
        public ImageBatch Take(int batchNumber)
        {
            lock (_gate)
            {
                while (_failure is null && !_cancellationToken.IsCancellationRequested && _pendingSamples[batchNumber] > 0)
                {
                    Monitor.Wait(_gate);
                }

                if (_failure is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);
                }

                _cancellationToken.ThrowIfCancellationRequested();
                var batch = _batches[batchNumber]!;
                _batches[batchNumber] = null;
                _batchesHandedOut = batchNumber + 1;
                Monitor.PulseAll(_gate);
                return batch;
            }
        }

        public void Dispose()
        {
            Stop();
            foreach (var worker in _workers)
            {
                worker.Join();
            }

            _registration.Dispose();
        }

        private void Stop()
        {
            lock (_gate)
            {
                _stopping = true;
                Monitor.PulseAll(_gate);
            }
        }

        private void Work()
        {
            var options = _loader._options;
            var end = _range.End;
            while (true)
            {
                ImageBatch batch;
                int position;
                lock (_gate)
                {
                    // Claim only positions inside the prefetch window: the batch the consumer holds plus PrefetchBatches.
                    while (!_stopping && _failure is null && _nextPosition < end
                           && _nextPosition >= _range.FirstPosition(_batchesHandedOut + options.PrefetchBatches))
                    {
                        Monitor.Wait(_gate);
                    }

                    if (_stopping || _failure is not null || _nextPosition >= end)
                    {
                        return;
                    }

                    position = _nextPosition++;
                    var batchNumber = (position - _range.Start) / options.BatchSize;
                    batch = _batches[batchNumber] ??= _loader.CreateBatch(_range, batchNumber);
                }

                try
                {
                    _loader.FillSlot(batch, position - batch.FirstPosition, _indices, _epoch);
                }
                catch (Exception exception)
                {
                    lock (_gate)
                    {
                        _failure ??= exception;
                        Monitor.PulseAll(_gate);
                    }

                    return;
                }

                lock (_gate)
                {
                    if (--_pendingSamples[batch.BatchNumber] == 0)
                    {
                        Monitor.PulseAll(_gate);
                    }
                }
            }
        }
    }
}
