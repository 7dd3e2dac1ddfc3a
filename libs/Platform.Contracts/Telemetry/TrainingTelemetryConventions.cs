namespace Platform.Contracts.Telemetry;

/// <summary>
/// The names training telemetry uses between processes (docs/tracking-conventions.md): the trainer writes them, the
/// tracker's OTLP receiver reads them, and any OpenTelemetry client that logs a run to the tracker uses them too.
/// Changing one changes the wire format: the tracker and every client must change with it.
/// </summary>
public static class TrainingTelemetryConventions
{
    /// <summary>Span covering one attempt of a run; its end decides the state of a run that exists only through telemetry.</summary>
    public const string RunSpan = "training.run";

    /// <summary>Short span with the run span's attributes, sent as a run starts (an SDK exports the run span only when it ends).</summary>
    public const string StartedSpan = "training.started";

    /// <summary>Span per epoch carrying <see cref="Step"/> and that epoch's <see cref="MetricsPrefix"/> attributes.</summary>
    public const string EpochSpan = "training.epoch";

    /// <summary>
    /// The steps of a Platform trainer's attempt besides its epochs, children of the run span, so the dashboard shows the
    /// whole run in one trace. They carry no <see cref="RunId"/>: the tracker reads nothing from them.
    /// </summary>
    public const string CheckpointSpan = "training.checkpoint";

    /// <inheritdoc cref="CheckpointSpan"/>
    public const string ExportSpan = "training.export";

    /// <inheritdoc cref="CheckpointSpan"/>
    public const string PublishSpan = "training.publish";

    /// <summary>On <see cref="CheckpointSpan"/>: the checkpoint's name, the epoch it holds, and whether it is the best so far.</summary>
    public const string CheckpointName = "platform.checkpoint.name";

    /// <inheritdoc cref="CheckpointName"/>
    public const string CheckpointEpoch = "platform.checkpoint.epoch";

    /// <inheritdoc cref="CheckpointName"/>
    public const string CheckpointIsBest = "platform.checkpoint.best";

    /// <summary>On <see cref="CheckpointSpan"/> of a mid-epoch checkpoint: the samples of its epoch trained on so far.</summary>
    public const string CheckpointSamplesInEpoch = "platform.checkpoint.samples_in_epoch";

    /// <summary>On <see cref="ExportSpan"/>: the parity gate's figures and the provider it ran on.</summary>
    public const string ParityMaxAbsLogitDifference = "platform.parity.max_abs_logit_difference";

    /// <inheritdoc cref="ParityMaxAbsLogitDifference"/>
    public const string ParityTop1Agreement = "platform.parity.top1_agreement";

    /// <inheritdoc cref="ParityMaxAbsLogitDifference"/>
    public const string ParityProvider = "platform.parity.provider";

    /// <summary>On <see cref="PublishSpan"/>: where the model package was written.</summary>
    public const string PackageUri = "platform.package.uri";

    /// <summary>
    /// Span of a few step-level points, each a span event carrying <see cref="Step"/> (the global optimizer step) and the
    /// <c>metrics.step_…</c> figures (<see cref="MetricNames.StepTrainLoss"/> and the rest).
    /// </summary>
    public const string StepsSpan = "training.steps";

    /// <summary>Span carrying one <see cref="Finding"/> of the training doctor.</summary>
    public const string FindingSpan = "training.finding";

    /// <summary>A finding as JSON (<c>Platform.Contracts.Runs.RunFinding</c>, camelCase); the tracker keeps the latest one per finding id.</summary>
    public const string Finding = "platform.finding";

    /// <summary>Event with the final figures: <see cref="MetricsPrefix"/>, <see cref="PerClassPrefix"/> and <see cref="ConfusionMatrix"/>.</summary>
    public const string ResultEvent = "training.result";

    /// <summary>Event on the run span when a run is cancelled, with the <see cref="Step"/> (epoch) it stopped in.</summary>
    public const string CancelledEvent = "training.cancelled";

    /// <summary>The run id (a GUID, the job id); a span without it is not training telemetry.</summary>
    public const string RunId = "platform.run_id";

    public const string Experiment = "platform.experiment";
    public const string ModelName = "platform.model_name";
    public const string DatasetName = "platform.dataset.name";
    public const string DatasetVersion = "platform.dataset.version";
    public const string Device = "platform.device";

    /// <summary>Every replica's device of a data-parallel run (string array: <c>["cuda:0", "cuda:1"]</c>; <c>cpu</c> once per CPU replica).</summary>
    public const string Devices = "platform.devices";

    /// <summary>On an attempt that resumed from a checkpoint written with another global batch: that batch (the new one is <c>params.global_batch_size</c>).</summary>
    public const string ResumedFromGlobalBatchSize = "platform.resumed_from_global_batch_size";

    /// <summary>The parameter (under <see cref="ParamsPrefix"/>) with the images of one forward pass over every replica: devices × batch_size.</summary>
    public const string GlobalBatchSizeParam = "global_batch_size";

    /// <summary>The parameter with the peak learning rate after <c>lr_scaling</c>.</summary>
    public const string ScaledLearningRateParam = "scaled_lr";

    /// <summary>1-based attempt of the run (above 1 once resumed).</summary>
    public const string Attempt = "platform.attempt";

    /// <summary>Why this attempt started: the first one, a takeover from a trainer that stopped, a retry, or a resume on request.</summary>
    public const string AttemptReason = "platform.attempt.reason";

    /// <summary>1-based epoch the attempt starts at (above 1 when resuming from a checkpoint).</summary>
    public const string StartEpoch = "platform.start_epoch";

    /// <summary>Samples of the start epoch a mid-epoch checkpoint had trained on: the attempt continues the epoch at the next (0 at an epoch's start).</summary>
    public const string StartSample = "platform.start_sample";

    public const string TotalParameters = "platform.parameters.total";
    public const string TrainableParameters = "platform.parameters.trainable";

    /// <summary>
    /// <c>true</c> on a run span whose run was cancelled. Only a run the tracker knows through telemetry alone takes its
    /// state from it; a run the tracker queued is cancelled by the <see cref="Platform.Contracts.RunCancelled"/> message.
    /// </summary>
    public const string Cancelled = "platform.run.cancelled";

    /// <summary>Integer x-axis of a curve point (the epoch, or a global step).</summary>
    public const string Step = "step";

    /// <summary>Prefix of a hyperparameter, e.g. <c>params.lr</c>; nested settings use dots (<c>params.optimizer.kind</c>).</summary>
    public const string ParamsPrefix = "params.";

    /// <summary>Prefix of a metric value, e.g. <c>metrics.val_loss</c>; see <see cref="MetricNames"/>.</summary>
    public const string MetricsPrefix = "metrics.";

    /// <summary>Prefix of a per-class figure, <c>per_class.&lt;label&gt;.&lt;figure&gt;</c>; see <see cref="PerClassFigures"/>.</summary>
    public const string PerClassPrefix = "per_class.";

    /// <summary>JSON string <c>{"labels": [...], "matrix": [[...], ...]}</c>, rows = true class, columns = predicted.</summary>
    public const string ConfusionMatrix = "confusion_matrix";

    public static string Param(string name) => ParamsPrefix + name;

    public static string Metric(string name) => MetricsPrefix + name;

    public static string PerClass(string label, string figure) => $"{PerClassPrefix}{label}.{figure}";

    /// <summary>The metrics the Platform trainer reports under <see cref="MetricsPrefix"/>.</summary>
    public static class MetricNames
    {
        // Per epoch (curve points).
        public const string TrainLoss = "train_loss";
        public const string TrainAccuracy = "train_accuracy";
        public const string TrainTop5Accuracy = "train_top5_accuracy";
        public const string ValidationLoss = "val_loss";
        public const string ValidationAccuracy = "val_accuracy";
        public const string ValidationTop5Accuracy = "val_top5_accuracy";
        public const string LearningRate = "lr";
        public const string GradientNorm = "grad_norm";
        public const string ImagesPerSecond = "images_per_second";

        /// <summary>Prefix of one replica's training images per second, followed by its 0-based replica index (<c>device_images_per_second.1</c>).</summary>
        public const string DeviceImagesPerSecondPrefix = "device_images_per_second.";
        public const string LossScale = "loss_scale";
        public const string EmaValidationLoss = "ema_val_loss";
        public const string EmaValidationAccuracy = "ema_val_accuracy";

        // Every few optimizer steps, on the global-step axis (Runs.CurveAxes.StepMetricPrefix).
        public const string StepTrainLoss = "step_train_loss";
        public const string StepLearningRate = "step_lr";
        public const string StepGradientNorm = "step_grad_norm";
        public const string StepLossScale = "step_loss_scale";

        // Per epoch and top-level block (stem, each stage, head): block_grad_norm.layer1 and so on.
        public const string BlockGradientNormPrefix = "block_grad_norm.";
        public const string BlockWeightNormPrefix = "block_weight_norm.";
        public const string BlockUpdateRatioPrefix = "block_update_ratio.";

        // Final (on the result event).
        public const string Accuracy = "accuracy";
        public const string MacroF1 = "macro_f1";
        public const string BestEpoch = "best_epoch";
        public const string EpochsCompleted = "epochs_completed";

        /// <summary>1-based epoch after which the exported weights were taken (export.weights).</summary>
        public const string ExportedEpoch = "exported_epoch";
    }

    /// <summary>The figures of one class under <see cref="PerClassPrefix"/>.</summary>
    public static class PerClassFigures
    {
        public const string Precision = "precision";
        public const string Recall = "recall";
        public const string F1 = "f1";
        public const string Support = "support";
    }

    /// <summary>The trainer's metric instruments, as dashboards and alerts query them.</summary>
    public static class InstrumentNames
    {
        public const string Images = "platform.trainer.images";
        public const string Epochs = "platform.trainer.epochs";
        public const string Throughput = "platform.trainer.throughput";
        public const string Progress = "platform.trainer.progress";
    }
}
