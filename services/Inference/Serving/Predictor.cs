using System.Diagnostics;
using Microsoft.Extensions.Options;
using Platform.Imaging;
using Platform.Inference.Telemetry;
using Platform.Imaging.Formats;

namespace Platform.Inference.Serving;

/// <summary>
/// One path for every endpoint: resolve the model, prepare the inputs with that version's preprocessing, queue them, and wait within
/// the request timeout or until the client goes away. A version retired between resolving and queueing is resolved again.
/// </summary>
public sealed class Predictor(ModelRegistry registry, ShadowMirror shadows, InferenceTelemetry telemetry, IOptions<InferenceOptions> options)
{
    // The formats and side-ratio limit are AcceptedImages', the same as ingest's: what can be trained on can be predicted.
    public DecodeOptions DecodeOptions { get; } = new DecodeOptions(
        MaxEncodedBytes: options.Value.MaxBodyBytes,
        MaxPixels: options.Value.MaxPixels).Validated();

    /// <param name="prepareForShadow">
    /// Makes the inputs for another version (a shadow with its own preprocessing), run off the answer path after the answer; null
    /// when the inputs are tensors as the client sent them, which a shadow of the same input shape gets unchanged.
    /// </param>
    /// <param name="requestId">
    /// The client's id for the request (X-Request-Id, the protocol's <c>id</c>): a split alias routes the same id to the same version,
    /// so a retry lands where the first try did.
    /// </param>
    public async Task<Prediction> PredictAsync(string name, string? alias, int? version, string? requestId, Func<ServedModel, IReadOnlyList<float[]>> prepare,
        CancellationToken requestAborted, Func<ServedModel, IReadOnlyList<float[]>>? prepareForShadow = null)
    {
        ServedModel? chosen = null;
        var routedAlias = version is null ? alias ?? ModelRegistry.DefaultAlias : null;
        var started = Stopwatch.GetTimestamp();
        using var activity = InferenceTelemetry.Source.StartActivity("inference.predict");
        activity?.SetTag("inference.model", name);
        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        timeout.CancelAfter(settings.RequestTimeout);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var model = Resolve(name, alias, version, requestId);
                chosen = model;
                activity?.SetTag("inference.version", model.Version);
                var inputs = prepare(model);
                activity?.SetTag("inference.images", inputs.Count);
                try
                {
                    var outcomes = await model.Scheduler.InferAsync(inputs, timeout.Token);
                    telemetry.RecordVersionAnswer(model, routedAlias, started, "ok", outcomes);
                    if (routedAlias is not null && registry.ShadowOf(name, routedAlias) is { } shadow && shadow.Version != model.Version)
                    {
                        shadows.Offer(new ShadowWork(routedAlias, model, shadow, inputs, prepareForShadow, [.. outcomes.Select(o => o.Logits)]));
                    }
                    return new Prediction(model, routedAlias, outcomes, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (VersionRetiredException) when (version is null && attempt < 3)
                {
                    // The alias moved on while we prepared: the new version takes the request.
                }
            }
        }
        catch (BatchExceedsQueueException exception)
        {
            throw Rejected(BatchExceedsQueue(exception.Images, exception.Capacity), activity, chosen, routedAlias, started);
        }
        catch (QueueFullException exception)
        {
            throw Rejected(new InferenceRejectedException(StatusCodes.Status429TooManyRequests, "Too many requests", exception.Message, "queue_full", retryable: true), activity, chosen, routedAlias, started);
        }
        catch (VersionRetiredException exception)
        {
            throw Rejected(new InferenceRejectedException(StatusCodes.Status404NotFound, "Version retired", exception.Message, "version_retired"), activity, chosen, routedAlias, started);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !requestAborted.IsCancellationRequested)
        {
            throw Rejected(new InferenceRejectedException(StatusCodes.Status503ServiceUnavailable, "Request timed out",
                $"No answer within {settings.RequestTimeout.TotalSeconds:0.###} s (Inference:RequestTimeout); the service is overloaded.", "timeout", retryable: true), activity, chosen, routedAlias, started);
        }
        catch (ImageRejectedException exception)
        {
            var status = exception.Reason switch
            {
                RejectionReason.TooLarge or RejectionReason.TooManyPixels => StatusCodes.Status413PayloadTooLarge,
                RejectionReason.UnsupportedFormat => StatusCodes.Status415UnsupportedMediaType,
                _ => StatusCodes.Status400BadRequest,
            };
            throw Rejected(new InferenceRejectedException(status, "Image rejected", exception.Message, ReasonCode(exception.Reason)), activity, chosen, routedAlias, started);
        }
        catch (InferenceRejectedException exception)
        {
            throw Rejected(exception, activity, chosen, routedAlias, started);
        }
    }

    /// <summary>
    /// Refuses, before any image is decoded, a request with more images than a model's queue holds: such a request could never be
    /// queued (images are queued all or none), so it gets 413 rather than a 429 that would invite a retry that cannot succeed.
    /// </summary>
    public void EnsureFitsQueue(long images)
    {
        if (images > options.Value.QueueCapacity)
        {
            throw BatchExceedsQueue(images, options.Value.QueueCapacity);
        }
    }

    private static InferenceRejectedException BatchExceedsQueue(long images, int capacity) =>
        new(StatusCodes.Status413PayloadTooLarge, "Batch larger than the queue",
            $"The request carries {images} images but a model's queue holds at most {capacity} (Inference:QueueCapacity), so it can never be "
            + $"accepted: send at most {capacity} images per request.", "batch_exceeds_queue");

    private ServedModel Resolve(string name, string? alias, int? version, string? requestId) =>
        registry.Route(name, alias, version, requestId, out var served) switch
        {
            Resolution.Found => served!,
            Resolution.UnknownModel => throw new InferenceRejectedException(StatusCodes.Status404NotFound, "Unknown model",
                $"No model named '{name}' has been promoted to this service.", "unknown_model"),
            Resolution.UnknownVersion => throw new InferenceRejectedException(StatusCodes.Status404NotFound, "Unknown version",
                version is { } v ? $"Model '{name}' has no loaded version {v}; this service keeps the versions aliases point at and the ones they pointed at before."
                                 : $"Model '{name}' has no alias '{alias}'.", "unknown_version"),
            _ => throw new InferenceRejectedException(StatusCodes.Status503ServiceUnavailable, "Model not ready",
                $"Model '{name}' is promoted but still loading.", "not_ready", retryable: true),
        };

    // The endpoint counts the rejection when it answers (InferenceTelemetry.RecordAnswer); the span says why it failed, and the
    // version's own figures count it when a version had been chosen.
    private InferenceRejectedException Rejected(InferenceRejectedException exception, Activity? activity, ServedModel? chosen, string? alias, long started)
    {
        activity?.SetStatus(ActivityStatusCode.Error, exception.Reason);
        if (chosen is not null)
        {
            telemetry.RecordVersionAnswer(chosen, alias, started, exception.Reason, outcomes: null);
        }
        return exception;
    }

    private static string ReasonCode(RejectionReason reason) => reason switch
    {
        RejectionReason.Empty => "empty",
        RejectionReason.TooLarge => "too_large",
        RejectionReason.UnsupportedFormat => "unsupported_format",
        RejectionReason.Corrupt => "corrupt",
        RejectionReason.Truncated => "truncated",
        RejectionReason.TooManyPixels => "too_many_pixels",
        RejectionReason.ExtremeAspectRatio => "extreme_aspect_ratio",
        _ => reason.ToString(),
    };
}
