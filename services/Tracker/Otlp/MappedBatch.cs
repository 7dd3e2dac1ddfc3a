namespace Platform.Tracker.Otlp;

/// <summary>The result of mapping a batch: observations per run, and spans that claimed to be training telemetry but could not be read.</summary>
public sealed record MappedBatch(IReadOnlyList<RunObservation> Runs, int RejectedSpans, string? RejectionMessage);
