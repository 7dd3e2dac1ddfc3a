using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Contracts.Telemetry;
using Platform.Export;
using Platform.Export.Onnx;
using Platform.Imaging.Shards;
using Platform.Trainer.Storage;
using Platform.Trainer.Telemetry;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using EngineTrainer = Platform.Training.Engine.Trainer;
using Platform.Imaging.Formats.Shards;
using OpenTelemetry.Trace;

namespace Platform.Trainer.Jobs;

/// <summary>
/// One attempt at a run: read the configuration and the dataset, train (resuming from the newest checkpoint),
/// export ONNX through the parity gate, and publish the model package. Runs on a thread of its own because the
/// engine blocks.
/// </summary>
public sealed class TrainingJob(
    DatasetCache datasets,
    Azure.Storage.Blobs.BlobServiceClient blobs,
    ModelPackageWriter packages,
    TrainingTelemetry telemetry,
    IOptions<TrainerOptions> options,
    TimeProvider time,
    ILogger<TrainingJob> logger,
    TracerProvider? tracing = null,
    TelemetryForwarder? forwarder = null)
{
    /// <summary>Longest a rung waits for the tracker to acknowledge the epoch's points before it asks for the verdict anyway.</summary>
    private static readonly TimeSpan RungTelemetryWait = TimeSpan.FromSeconds(10);

    private StorageOutage Outage => new(options.Value.StorageOutageTolerance, time, logger);

    public async Task<TrainingJobResult> RunAsync(TrainModel job, int attempt, string why, CancellationToken cancellationToken)
    {
        var requested = ParseConfig(job);
        var (manifest, folder) = await GetDatasetAsync(job, cancellationToken);
        var config = EffectiveConfig(requested, manifest);
        using var train = ShardDataset.Open(manifest, "train", folder, verifyShardHashes: false);
        var validationSplit = ValidationSplit(manifest);
        using var validation = ShardDataset.Open(manifest, validationSplit, folder, verifyShardHashes: false);
        using var observer = new RunTelemetryObserver(telemetry, job, config, attempt, why, logger);
        using var tensorBoard = config.TensorBoard.Enabled ? new TensorBoardFiles(blobs, job.RunId) : null;
        var checkpoints = new BlobCheckpointStore(blobs, job.RunId, Outage, cancellationToken);

        var trainer = new EngineTrainer(config, new TrainingRunOptions
        {
            CheckpointStore = tensorBoard is null ? checkpoints : new TensorBoardCheckpointStore(checkpoints, tensorBoard, Outage, job.RunId, logger, cancellationToken),
            Resume = true,
            Observer = job.RungEpochs is { Count: > 0 } rungs
                ? new CompositeTrainingObserver(observer, new RungGate(blobs.GetBlobContainerClient(StorageLayout.RunsContainer), job.RunId, rungs,
                    () => FlushTelemetry(cancellationToken), options.Value.RungVerdictTimeout, logger, cancellationToken))
                : observer,
            TensorBoardDirectory = tensorBoard?.LocalDirectory,
        });
        var training = Task.Factory.StartNew(() =>
        {
            var trained = trainer.Run(train, validation, cancellationToken);
            try
            {
                var evaluation = AugmentationRecipes.Evaluation(config);
                var metadata = new OnnxModelMetadata(config.Architecture, manifest.Classes, evaluation);
                // The gate runs the export on a session made as serving makes its own (same factory, same defaults).
                using var span = observer.StartStep(TrainingTelemetryConventions.ExportSpan);
                var export = VerifiedExport.Run(trained.Model, metadata, validation, maxImages: options.Value.ParityImages);
                span?.SetTag(TrainingTelemetryConventions.ParityMaxAbsLogitDifference, export.Parity.MaxAbsLogitDifference);
                span?.SetTag(TrainingTelemetryConventions.ParityTop1Agreement, export.Parity.Top1Agreement);
                span?.SetTag(TrainingTelemetryConventions.ParityProvider, export.Parity.Provider.ToString());
                return (trained, export.Parity, export.Model);
            }
            catch
            {
                trained.Dispose();
                throw;
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).ReportingExportFailures(observer);
        (TrainingResult Result, Platform.Export.Parity.ParityReport Parity, byte[] Onnx) trained;
        try
        {
            trained = await training;
        }
        finally
        {
            await StoreTensorBoardAsync(tensorBoard, job.RunId);
        }

        var (result, parity, onnx) = trained;

        using (result)
        {
            var report = result.Report;
            var misclassified = await StoreMisclassifiedAsync(job.RunId, report, validation, validationSplit, config.Monitoring.MisclassifiedExamples);
            var files = new Dictionary<string, BinaryData>
            {
                [ModelPackageLayout.ModelFile] = BinaryData.FromBytes(onnx),
                [ModelPackageLayout.LabelsFile] = ModelPackageWriter.JsonFile(manifest.Classes),
                [ModelPackageLayout.PreprocessingFile] = BinaryData.FromString(AugmentationRecipes.Evaluation(config).ToJson()),
                [ModelPackageLayout.MetricsFile] = ModelPackageWriter.JsonFile(new
                {
                    report.Accuracy,
                    report.MacroF1,
                    report.ValidationLoss,
                    report.BestEpoch,
                    // Which weights the package holds (export.weights) and after which epoch they were taken.
                    ExportedWeights = report.ExportedWeights.ToString().ToLowerInvariant(),
                    ExportedSource = report.ExportedSource.ToString().ToLowerInvariant(),
                    report.ExportedEpoch,
                    report.EpochsCompleted,
                    report.Steps,
                    StopReason = report.StopReason.ToString(),
                    report.TrainingSeconds,
                    report.PerClass,
                    report.History,
                    // Temperature, ECE before and after, and both reliability diagrams (15 bins of top-1 confidence).
                    report.Calibration,
                }),
                [ModelPackageLayout.ConfusionMatrixFile] = ModelPackageWriter.JsonFile(new { labels = report.Classes, matrix = report.ConfusionMatrix }),
                [ModelPackageLayout.TrainingConfigFile] = BinaryData.FromString(config.ToJson()),
                [ModelPackageLayout.DatasetFile] = ModelPackageWriter.JsonFile(new { name = job.DatasetName, version = job.DatasetVersion, manifest.Classes, manifest.Channels, manifest.Mean, manifest.Std }),
                [ModelPackageLayout.ParityFile] = ModelPackageWriter.JsonFile(parity),
            };
            var packageParity = new ModelPackageParity(parity.MaxAbsLogitDifference, parity.Top1Agreement, parity.ImagesCompared, parity.Provider.ToString());
            var index = new ModelPackageIndex(
                job.RunId,
                job.ModelName,
                config.Architecture,
                manifest.Classes,
                [.. files.Keys],
                new ModelPackageDataset(job.DatasetName, job.DatasetVersion),
                report.Accuracy,
                packageParity,
                time.GetUtcNow(),
                report.Calibration is { } calibration
                    ? new ModelPackageCalibration(calibration.Temperature, calibration.EceBefore, calibration.EceAfter, calibration.Images)
                    : null);
            using var publish = observer.StartStep(TrainingTelemetryConventions.PublishSpan);
            var uri = await Outage.WaitOutAsync("publishing the model package", token => packages.WriteAsync(index, files, token), CancellationToken.None);
            publish?.SetTag(TrainingTelemetryConventions.PackageUri, uri.ToString());
            return new TrainingJobResult(uri, report, packageParity, misclassified);
        }
    }

    /// <summary>The gallery of the final model's most confident mistakes; failing to store it is logged, never the run's failure.</summary>
    private async Task<int> StoreMisclassifiedAsync(Guid runId, FinalReport report, ShardDataset validation, string split, int limit)
    {
        try
        {
            return await MisclassifiedGalleryWriter.StoreAsync(blobs, runId, report, validation, split, limit, CancellationToken.None);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Run {RunId}: the misclassified examples could not be stored", runId);
            return 0;
        }
    }

    /// <summary>The attempt's event files go to the run's folder however it ended; a failure to store them is logged, never the run's failure.</summary>
    private async Task StoreTensorBoardAsync(TensorBoardFiles? tensorBoard, Guid runId)
    {
        if (tensorBoard is null)
        {
            return;
        }

        try
        {
            await tensorBoard.StoreAsync(Outage, CancellationToken.None);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Run {RunId}: the TensorBoard event files could not be stored", runId);
        }
    }

    /// <summary>Sends the epoch's points to the tracker now rather than with the next batch: the sweep decides on them.</summary>
    private void FlushTelemetry(CancellationToken cancellationToken)
    {
        tracing?.ForceFlush((int)RungTelemetryWait.TotalMilliseconds);
        forwarder?.WaitUntilDeliveredAsync(RungTelemetryWait, cancellationToken).GetAwaiter().GetResult();
    }

    private static TrainingConfig ParseConfig(TrainModel job)
    {
        TrainingConfig config;
        try
        {
            config = TrainingConfig.FromJson(job.TrainingConfigJson);
        }
        catch (JsonException exception)
        {
            throw new TrainingJobFailedException("invalid configuration", exception.Message, exception);
        }
        var violations = config.Validate();
        if (violations.Count > 0)
        {
            throw new TrainingJobFailedException("invalid configuration", string.Join("; ", violations.Select(v => v.ToString())));
        }

        try
        {
            // Every trainer replica of a deployment has the same devices, so a device this one lacks fails the run once
            // with its name rather than bouncing between replicas.
            Training.Engine.ReplicaDevices.Resolve(config);
        }
        catch (InvalidOperationException exception)
        {
            throw new TrainingJobFailedException("devices unavailable", exception.Message, exception);
        }

        return config;
    }

    private async Task<(DatasetManifest Manifest, string Folder)> GetDatasetAsync(TrainModel job, CancellationToken cancellationToken)
    {
        try
        {
            var (manifest, folder) = await datasets.GetAsync(job.DatasetName, job.DatasetVersion, cancellationToken);
            if ((manifest.Split("train")?.Samples ?? 0) == 0)
            {
                throw new DatasetUnavailableException($"Dataset '{job.DatasetName}' v{job.DatasetVersion} has no training samples.");
            }
            return (manifest, folder);
        }
        catch (DatasetUnavailableException exception)
        {
            throw new TrainingJobFailedException("dataset unavailable", exception.Message, exception);
        }
    }

    private static string ValidationSplit(DatasetManifest manifest) =>
        (manifest.Split("val")?.Samples ?? 0) > 0 ? "val"
        : (manifest.Split("test")?.Samples ?? 0) > 0 ? "test"
        : throw new TrainingJobFailedException("dataset unavailable", "The dataset has neither a validation nor a test split to evaluate on.");

    /// <summary>
    /// The configuration as trained: channels come from the dataset, and a model trained from scratch normalises with the
    /// dataset's own statistics unless the configuration names others. It is what the model package records.
    /// </summary>
    private static TrainingConfig EffectiveConfig(TrainingConfig config, DatasetManifest manifest)
    {
        var effective = config with { InputChannels = manifest.Channels };
        if (!config.Pretrained && config.Augmentation.Mean is null && config.Augmentation.Recipe is null)
        {
            effective = effective with { Augmentation = effective.Augmentation with { Mean = manifest.Mean, Std = manifest.Std.Select(s => Math.Max(s, 1e-3f)).ToArray() } };
        }
        var violations = effective.Validate();
        return violations.Count == 0
            ? effective
            : throw new TrainingJobFailedException("configuration does not fit the dataset", string.Join("; ", violations.Select(v => v.ToString())));
    }
}
