using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Platform.Contracts.Models;
using Platform.Inference.Telemetry;

namespace Platform.Inference.Serving;

/// <summary>
/// Mirrors answered requests to the alias's shadow version off the answer path and records how often the two agree. Shadow work
/// runs only on spare capacity and is shed first: a request is dropped, never waited for, when the mirror's bounded queue
/// (<see cref="InferenceOptions.ShadowQueueCapacity"/>) is full or when the version that answered is busy (an image waiting or a batch
/// running, <see cref="BatchScheduler.IsBusy"/>), both when it is offered and when it is taken. The mirror works on a thread of its
/// own, one request at a time: the shadow's preprocessing and the comparison run there, and its inference on the shadow's background
/// worker, whose ONNX Runtime calls run at idle priority (a shadow-only version is loaded with <see cref="ModelExecution.Shadow"/>;
/// <see cref="IdleThread"/>). The mirror itself is not at idle priority: its work is managed code, and a starved managed thread
/// holds up every garbage collection, and so every request, until a core is free (<see cref="IdleThread"/>); it only starts work
/// when the answering version is idle, and the work is short beside the shadow's inference. So the primary's queue, its 429/503
/// answers and its latency do not depend on the shadow.
/// </summary>
public sealed class ShadowMirror(IOptions<InferenceOptions> options, InferenceTelemetry telemetry, ILogger<ShadowMirror> logger) : BackgroundService
{
    private readonly Channel<ShadowWork> queue = Channel.CreateBounded<ShadowWork>(new BoundedChannelOptions(options.Value.ShadowQueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly ConcurrentDictionary<(string Model, string Alias, int Primary, int Shadow), AgreementCounter> pairs = new();

    /// <summary>Queues a copy of an answered request for the shadow, or sheds it; never blocks.</summary>
    public void Offer(ShadowWork work)
    {
        if (PrimaryIsBusy(work.Primary))
        {
            Shed(work, "primary_busy");
        }
        else if (!queue.Writer.TryWrite(work))
        {
            Shed(work, "queue_full");
        }
    }

    /// <summary>The agreement figures of every pair of the model whose shadow the alias still mirrors to.</summary>
    public IReadOnlyList<ShadowAgreement> Agreements(ModelState model) =>
        [.. pairs.Where(pair => pair.Key.Model == model.Name && model.Aliases.TryGetValue(pair.Key.Alias, out var route) && route.Shadow?.Version == pair.Key.Shadow)
            .OrderBy(pair => pair.Key.Alias, StringComparer.Ordinal).ThenBy(pair => pair.Key.Primary)
            .Select(pair =>
            {
                var (compared, shed, top1, meanAbsDifference) = pair.Value.Read();
                return new ShadowAgreement(pair.Key.Alias, pair.Key.Primary, pair.Key.Shadow, compared, shed, top1, meanAbsDifference);
            })];

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Mirror(stoppingToken);
                done.SetResult();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                done.SetResult();
            }
            catch (Exception exception)
            {
                done.SetException(exception);
            }
        })
        {
            IsBackground = true,
            Name = "shadow mirror",
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>The mirror's loop, blocking its own thread: the thread's priority is what keeps the work on spare cores.</summary>
    private void Mirror(CancellationToken stoppingToken)
    {
        while (queue.Reader.WaitToReadAsync(stoppingToken).AsTask().GetAwaiter().GetResult())
        {
            if (!queue.Reader.TryRead(out var work))
            {
                continue;
            }
            if (PrimaryIsBusy(work.Primary))
            {
                Shed(work, "primary_busy");
                continue;
            }
            try
            {
                Compare(work, stoppingToken);
            }
            catch (Exception exception) when (exception is QueueFullException or VersionRetiredException or BatchExceedsQueueException)
            {
                Shed(work, exception is QueueFullException ? "shadow_queue_full" : "shadow_retired");
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // A shadow's failure is the shadow's: it is logged and counted, and never reaches a client.
                logger.LogWarning(exception, "Shadow v{Shadow} of {Model}@{Alias} failed a mirrored request.", work.Shadow.Version, work.Shadow.Name, work.Alias);
                Shed(work, "shadow_failed");
            }
        }
    }

    /// <summary>Runs the shadow and compares, blocking the mirror's thread, so the comparison too runs at its priority.</summary>
    private void Compare(ShadowWork work, CancellationToken cancellationToken)
    {
        IReadOnlyList<float[]> inputs;
        if (work.PrepareForShadow is { } prepare)
        {
            inputs = prepare(work.Shadow);
        }
        else if (work.Shadow.ImageShape.SequenceEqual(work.Primary.ImageShape))
        {
            inputs = work.PrimaryInputs;
        }
        else
        {
            Shed(work, "shape_mismatch");
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        var outcomes = work.Shadow.Scheduler.InferAsync(inputs, timeout.Token).GetAwaiter().GetResult();
        var counter = Counter(work);
        for (var i = 0; i < outcomes.Length; i++)
        {
            var primary = work.Primary.Probabilities(work.PrimaryLogits[i]);
            var shadow = work.Shadow.Probabilities(outcomes[i].Logits);
            if (primary.Length != shadow.Length)
            {
                Shed(work, "label_mismatch");
                return;
            }
            counter.Compare(primary, shadow);
            telemetry.RecordShadowComparison(work.Primary, work.Shadow, work.Alias, AgreementCounter.ArgMax(primary) == AgreementCounter.ArgMax(shadow));
        }
    }

    private static bool PrimaryIsBusy(ServedModel primary) => primary.Scheduler.IsBusy;

    private void Shed(ShadowWork work, string reason)
    {
        Counter(work).Shed();
        telemetry.RecordShadowShed(work.Primary, work.Shadow, work.Alias, reason);
    }

    private AgreementCounter Counter(ShadowWork work) =>
        pairs.GetOrAdd((work.Primary.Name, work.Alias, work.Primary.Version, work.Shadow.Version), _ => new AgreementCounter());
}
