using Platform.Contracts;
using Platform.Otlp;
using Platform.Testing.Otlp;

namespace Platform.Trainer.Tests;

/// <summary>
/// One small job run to completion by a trainer that exported both to a tracker (its training telemetry) and to a dashboard
/// (its own traces), so that the tests reading either see the same real run.
/// </summary>
/// <param name="TrackerSpansAtCompletion">What the tracker had received when <c>ModelTrained</c> arrived.</param>
/// <param name="Outage">What the trainer did while the tracker was down (it was, for the whole run).</param>
public sealed record ObservedRun(Guid RunId, ModelTrained Trained, IReadOnlyList<OtlpSpan> TrackerSpansAtCompletion, OtlpReceiver Dashboard, TrackerOutage Outage);
