using Platform.Contracts.ModelPackages;
using Platform.Training.Engine;

namespace Platform.Trainer.Jobs;

/// <summary>What a finished run produced.</summary>
/// <param name="Parity">The export parity gate's figures, as the package index records them and <c>ModelTrained</c> carries them.</param>
/// <param name="MisclassifiedExamples">How many examples the run's stored misclassified gallery holds (0: none stored).</param>
public sealed record TrainingJobResult(Uri PackageUri, FinalReport Report, ModelPackageParity Parity, int MisclassifiedExamples = 0);
