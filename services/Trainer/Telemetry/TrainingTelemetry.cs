using System.Diagnostics;
using System.Diagnostics.Metrics;
using Platform.Contracts.Telemetry;

namespace Platform.Trainer.Telemetry;

/// <summary>
/// The trainer's training telemetry, following docs/tracking-conventions.md (names in
/// <see cref="TrainingTelemetryConventions"/>): a <c>training.run</c> span per
/// attempt (hyperparameters as <c>params.*</c>), a <c>training.epoch</c> span per epoch (metrics as
/// <c>metrics.*</c>, <c>step</c> = epoch) and a <c>training.result</c> event with the final figures. The trace
/// id is the run id, so every attempt of a resumed run lands in the same trace.
/// </summary>
public sealed class TrainingTelemetry : IDisposable
{
    // The trainer's own name: the tracker reads spans by their platform.run_id, whatever their source; this name only
    // picks the spans the trainer sends to the tracker (Extensions.AddTrackerExport).
    public const string SourceName = "Platform.Trainer.Runs";

    public TrainingTelemetry(TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        Source = new ActivitySource(SourceName);
        Meter = new Meter(SourceName);
        ImagesTrained = Meter.CreateCounter<long>(TrainingTelemetryConventions.InstrumentNames.Images, "{image}", "Training images processed");
        EpochsCompleted = Meter.CreateCounter<long>(TrainingTelemetryConventions.InstrumentNames.Epochs, "{epoch}", "Epochs completed");
        Throughput = Meter.CreateHistogram<double>(TrainingTelemetryConventions.InstrumentNames.Throughput, "{image}/s", "Training images per second, per epoch");
        Meter.CreateObservableGauge(TrainingTelemetryConventions.InstrumentNames.Progress, () => progress, "1", "Fraction of the current run's epochs done");
    }

    public ActivitySource Source { get; }

    public TimeProvider Time { get; }

    public Meter Meter { get; }

    public Counter<long> ImagesTrained { get; }

    public Counter<long> EpochsCompleted { get; }

    public Histogram<double> Throughput { get; }

    private double progress;

    internal void ReportProgress(double fraction) => Volatile.Write(ref progress, fraction);

    public static ActivityTraceId TraceIdOf(Guid runId) => ActivityTraceId.CreateFromString(runId.ToString("N"));

    public void Dispose()
    {
        Source.Dispose();
        Meter.Dispose();
    }
}
