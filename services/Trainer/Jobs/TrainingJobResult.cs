using Platform.Contracts.ModelPackages;
using Platform.Training.Engine;

namespace Platform.Trainer.Jobs;

/// <summary>What a finished run produced.</summary>
/// <param name="Parity">The export parity gate's figures, as the package index records them and <c>ModelTrained</c> carries them.</param>
public sealed record TrainingJobResult(Uri PackageUri, FinalReport Report, ModelPackageParity Parity);
