namespace Platform.Trainer.Tests;

/// <summary>A run's trainer while its tracker was unreachable: whether it announced the outcome anyway, and how many OTLP batches it kept on disk.</summary>
public sealed record TrackerOutage(bool AnnouncedWhileTrackerDown, int SpooledBatches);
