using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.ML.OnnxRuntime;
using Platform.Inference.Telemetry;
using Platform.OnnxRuntime;

namespace Platform.Inference.Serving;

/// <summary>
/// Dynamic batching for one model version: a bounded queue of preprocessed images and <see cref="ModelExecution.ConcurrentBatches"/>
/// workers, each taking up to <see cref="InferenceOptions.MaxBatchSize"/> of them (waiting at most
/// <see cref="InferenceOptions.MaxQueueDelay"/> for more) and running them as one ONNX Runtime call on the shared session. The
/// workers own the session: <see cref="Retire"/> closes the queue, the workers finish what is queued, and only then is the session
/// disposed, so a retired version never fails a request it accepted. The answering versions of one model share a batch budget
/// (<c>batchBudget</c>, <see cref="ModelExecution.ConcurrentBatches"/> permits): a split runs no more batches at once than one
/// version would, so its versions' sessions take turns on the cores instead of fighting over them. A
/// <see cref="ModelExecution.Background"/> (shadow-only) version has one worker on a thread of its own, outside the budget, whose
/// ONNX Runtime calls run on an <see cref="IdleThread"/> (idle priority, nothing but the native call).
/// </summary>
public sealed class BatchScheduler : IAsyncDisposable
{
    private readonly OnnxSession session;
    private readonly Channel<WorkItem> queue;
    private readonly InferenceOptions options;
    private readonly InferenceTelemetry telemetry;
    private readonly long[] imageShape;
    private readonly int imageLength;
    private readonly string inputName;
    private readonly string outputName;
    private readonly KeyValuePair<string, object?>[] tags;
    private readonly Task serving;
    // One worker forms a batch at a time and hands it to itself to run; the others run theirs meanwhile. Without it, workers
    // woken by the same images would each take a share and wait out MaxQueueDelay on a fraction of a batch.
    private readonly SemaphoreSlim forming = new(1, 1);
    private readonly SemaphoreSlim? batchBudget;
    private readonly string name;
    // A background version's ONNX Runtime calls run here, at idle priority; null for an answering version.
    private IdleThread? idle;
    private volatile bool retired;
    private int running;

    /// <param name="batchBudget">Permits shared by the model's answering versions, one per batch running; null for a background version.</param>
    public BatchScheduler(OnnxSession session, long[] imageShape, string model, int version, ModelExecution execution, InferenceOptions options,
        InferenceTelemetry telemetry, SemaphoreSlim? batchBudget = null)
    {
        this.batchBudget = batchBudget;
        name = $"{model} v{version}";
        this.session = session;
        Execution = execution;
        this.imageShape = imageShape;
        this.options = options;
        this.telemetry = telemetry;
        imageLength = (int)imageShape.Aggregate(1L, (a, b) => a * b);
        inputName = session.InputName;
        outputName = session.OutputName;
        tags = [new("model", model), new("version", version)];
        queue = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = execution.ConcurrentBatches == 1,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // The workers outlive whatever created them (a promotion's consumer, start-up): without this they would inherit that trace's
        // Activity.Current and hang every batch span they ever make under that one span.
        using (ExecutionContext.SuppressFlow())
        {
            serving = execution.Background ? ServeInBackgroundAsync() : ServeAsync(execution.ConcurrentBatches);
        }
    }

    public ModelExecution Execution { get; }

    /// <summary>Images waiting (including ones whose caller gave up and that a worker has not yet skipped).</summary>
    public int QueueDepth => queue.Reader.Count;

    public int ImageLength => imageLength;

    /// <summary>True while the version has images waiting or a batch running: it has no spare capacity for a shadow.</summary>
    public bool IsBusy => Volatile.Read(ref running) > 0 || queue.Reader.Count > 0;

    /// <summary>
    /// Queues the images (each <see cref="ImageLength"/> floats, already preprocessed) all or none, and waits for their outcomes.
    /// Throws <see cref="QueueFullException"/> at once when they do not fit now, <see cref="BatchExceedsQueueException"/> when they
    /// could never fit; cancellation removes them from the batch they would join.
    /// </summary>
    public async Task<InferenceOutcome[]> InferAsync(IReadOnlyList<float[]> images, CancellationToken cancellationToken)
    {
        if (images.Count > options.QueueCapacity)
        {
            throw new BatchExceedsQueueException(images.Count, options.QueueCapacity);
        }
        var items = new WorkItem[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            if (images[i].Length != imageLength)
            {
                throw new ArgumentException($"Image {i} has {images[i].Length} values; the model takes {imageLength}.");
            }
            items[i] = new WorkItem(images[i], Stopwatch.GetTimestamp(), Activity.Current?.Context ?? default);
            if (!queue.Writer.TryWrite(items[i]))
            {
                for (var j = 0; j < i; j++)
                {
                    items[j].Completion.TrySetCanceled(CancellationToken.None);
                }
                if (retired)
                {
                    throw new VersionRetiredException("This version was retired while the request was being prepared.");
                }
                throw new QueueFullException($"The model's queue holds {options.QueueCapacity} images and has no room for {images.Count} more.");
            }
        }
        using var registration = cancellationToken.Register(() =>
        {
            foreach (var item in items)
            {
                item.Completion.TrySetCanceled(cancellationToken);
            }
        });
        return await Task.WhenAll(items.Select(item => item.Completion.Task));
    }

    /// <summary>Stops accepting images; queued ones are still served, then the session is released.</summary>
    public void Retire()
    {
        retired = true;
        queue.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        Retire();
        await serving;
    }

    private async Task ServeAsync(int concurrentBatches)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, concurrentBatches)
                .Select(_ => Task.Run(WorkAsync)));
        }
        finally
        {
            session.Dispose();
        }
    }

    /// <summary>
    /// One worker on a dedicated thread, blocking on the queue; ONNX Runtime computes on the idle thread (one intra-op thread: the
    /// calling one), while this one, at normal priority, does the little managed work around each call.
    /// </summary>
    private async Task ServeInBackgroundAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        idle = new IdleThread($"idle {name}");
        var thread = new Thread(() =>
        {
            try
            {
                var batch = new List<WorkItem>(options.MaxBatchSize);
                while (queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    TakeAvailable(batch);
                    if (batch.Count > 0)
                    {
                        RunBatch(batch);
                    }
                    batch.Clear();
                }
                done.SetResult();
            }
            catch (Exception exception)
            {
                done.SetException(exception);
            }
        })
        {
            IsBackground = true,
            Name = $"background {name}",
        };
        thread.Start();
        try
        {
            await done.Task;
        }
        finally
        {
            idle.Dispose();
            session.Dispose();
        }
    }

    private async Task WorkAsync()
    {
        var batch = new List<WorkItem>(options.MaxBatchSize);
        while (true)
        {
            await forming.WaitAsync();
            try
            {
                if (!await queue.Reader.WaitToReadAsync())
                {
                    return;
                }
                await CollectBatchAsync(batch);
            }
            finally
            {
                forming.Release();
            }
            if (batch.Count > 0)
            {
                if (batchBudget is null)
                {
                    RunBatch(batch);
                }
                else
                {
                    await batchBudget.WaitAsync();
                    try
                    {
                        RunBatch(batch);
                    }
                    finally
                    {
                        batchBudget.Release();
                    }
                }
            }
            batch.Clear();
        }
    }

    private async Task CollectBatchAsync(List<WorkItem> batch)
    {
        TakeAvailable(batch);
        if (options.MaxQueueDelay <= TimeSpan.Zero || batch.Count == 0 || batch.Count >= options.MaxBatchSize)
        {
            return;
        }
        using var delay = new CancellationTokenSource(options.MaxQueueDelay);
        try
        {
            while (batch.Count < options.MaxBatchSize && await queue.Reader.WaitToReadAsync(delay.Token))
            {
                TakeAvailable(batch);
            }
        }
        catch (OperationCanceledException) when (delay.IsCancellationRequested)
        {
            // The delay is over: run what we have.
        }
    }

    private void TakeAvailable(List<WorkItem> batch)
    {
        while (batch.Count < options.MaxBatchSize && queue.Reader.TryRead(out var item))
        {
            // A caller that timed out or went away has completed its item already: it takes no place in the batch.
            if (!item.Completion.Task.IsCompleted)
            {
                batch.Add(item);
            }
        }
    }

    private void RunBatch(List<WorkItem> batch)
    {
        // One call serves several requests, so its span is a root that links to each request's span rather than the child of one.
        using var activity = InferenceTelemetry.Source.StartActivity("inference.batch", ActivityKind.Internal, parentContext: default,
            links: batch.Select(item => item.Caller).Where(caller => caller != default).Distinct().Select(caller => new ActivityLink(caller)));
        if (activity is not null)
        {
            foreach (var (key, value) in tags)
            {
                activity.SetTag("inference." + key, value);
            }
            activity.SetTag("inference.batch_size", batch.Count);
        }
        var started = Stopwatch.GetTimestamp();
        var outcomes = new InferenceOutcome[batch.Count];
        Exception? failure = null;
        // Not busy any more before the answers go out: a shadow offered the answered request sees the spare capacity.
        Interlocked.Increment(ref running);
        try
        {
            var input = new float[batch.Count * imageLength];
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Image.CopyTo(input, i * imageLength);
            }
            long[] shape = [batch.Count, .. imageShape];
            using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
            using var runOptions = new RunOptions();
            using var outputs = idle is { } lowered
                ? lowered.Invoke(() => session.InferenceSession.Run(runOptions, [inputName], [value], [outputName]))
                : session.InferenceSession.Run(runOptions, [inputName], [value], [outputName]);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            var classes = logits.Length / batch.Count;
            var inferenceMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            telemetry.RecordBatch(batch.Count, inferenceMs, tags);
            for (var i = 0; i < batch.Count; i++)
            {
                var queueMs = Stopwatch.GetElapsedTime(batch[i].EnqueuedAt, started).TotalMilliseconds;
                outcomes[i] = new InferenceOutcome(logits.Slice(i * classes, classes).ToArray(), batch.Count, queueMs, inferenceMs);
            }
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            failure = exception;
        }
        finally
        {
            Interlocked.Decrement(ref running);
        }
        for (var i = 0; i < batch.Count; i++)
        {
            if (failure is null)
            {
                batch[i].Completion.TrySetResult(outcomes[i]);
            }
            else
            {
                batch[i].Completion.TrySetException(failure);
            }
        }
    }

    private sealed class WorkItem(float[] image, long enqueuedAt, ActivityContext caller)
    {
        public float[] Image { get; } = image;

        public long EnqueuedAt { get; } = enqueuedAt;

        /// <summary>The span of the request that queued the image (inference.predict), which the batch span links to.</summary>
        public ActivityContext Caller { get; } = caller;

        public TaskCompletionSource<InferenceOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
