using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Contracts.Telemetry;
using Platform.Export;
using Platform.Export.Onnx;
using Platform.Export.Parity;
using Platform.Trainer.Storage;
using Platform.Trainer.Telemetry;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using Platform.Imaging.Formats.Shards;

namespace Platform.Trainer.Jobs;

/// <summary>What a finished run produced.</summary>
public sealed record TrainingJobResult(Uri PackageUri, FinalReport Report, ParityReport Parity);
