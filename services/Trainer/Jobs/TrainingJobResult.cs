using Platform.Export.Parity;
using Platform.Training.Engine;

namespace Platform.Trainer.Jobs;

/// <summary>What a finished run produced.</summary>
public sealed record TrainingJobResult(Uri PackageUri, FinalReport Report, ParityReport Parity);
