using System.Diagnostics;
using Platform.Imaging.Data;
using Platform.Imaging.Transforms;
using Platform.Training.Checkpoints;
using Platform.Training.Configuration;
using Platform.Training.Doctor;
using Platform.Training.FineTuning;
using Platform.Training.Losses;
using Platform.Training.Mixing;
using Platform.Training.Models;
using Platform.Training.Optimization;
using Platform.Training.Precision;
using TorchSharp;
using static TorchSharp.torch;
using Platform.Training.Calibration;
using Platform.Imaging.Formats.Data;

namespace Platform.Training.Engine;

/// <summary>
/// Trains an image classifier from a configuration: builds the model, loaders, loss, optimizer and schedule; runs
/// epochs of training and validation; reports progress to the observer; writes checkpoints and resumes from them;
/// stops early, on a time budget, or within one batch of cancellation. Run it on a thread of its own: it blocks.
/// </summary>
public sealed class Trainer
{
    private readonly TrainingConfig config;
    private readonly TrainingRunOptions options;

    public Trainer(TrainingConfig config, TrainingRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        this.config = config.EnsureValid();
        this.options = options ?? new TrainingRunOptions();
    }

    /// <exception cref="OperationCanceledException">Cancelled (after a <see cref="RunCancelled"/> event).</exception>
    public TrainingResult Run(ILabeledImageSource train, ILabeledImageSource validation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        var run = new RunSession(config, options, train, validation, cancellationToken);
        try
        {
            return run.Execute();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            options.Observer?.OnEvent(new RunCancelled(run.Epoch + 1, run.Step));
            throw;
        }
        catch (Exception ex)
        {
            options.Observer?.OnEvent(new RunFailed(ex.Message, ex.GetType().Name));
            throw;
        }
    }

    /// <summary>The state of one run.</summary>
    private sealed class RunSession(TrainingConfig config, TrainingRunOptions options, ILabeledImageSource train, ILabeledImageSource validation, CancellationToken cancellationToken)
    {
        private readonly List<EpochMetrics> history = [];
        private readonly Stopwatch clock = new();
        private MetricProgress best = new(config.Checkpoint.Metric, null, 0, 0);
        private MetricProgress? earlyStopping = config.EarlyStopping is { } e ? new(e.Metric, null, 0, 0) : null;
        private WeightsSource bestSource = WeightsSource.Raw;
        private Dictionary<string, Tensor>? bestWeights;
        private ModelEma? ema;
        private BatchMixer? mixer;
        private BlockLayout? blocks;
        private TrainingDoctor? doctor;
        private TensorBoardLog? tensorBoard;
        private IReadOnlyList<Device> devices = [];
        private int cpuReplicas;
        private int threadsInEffect;
        private bool calibrateThreads;
        private int? resumedGlobalBatch;
        // Set when the run resumed from a mid-epoch checkpoint: the epoch in progress continues from it (its first TrainEpoch).
        private PartialEpoch? resumedEpoch;
        private DoctorState? resumedDoctor;
        // Positions of the current epoch's sampler order it trains on in all, fixed when it starts (or by the checkpoint it resumed from).
        private int epochSamples;
        // Schedule position minus Step: non-zero after a resume with another global batch, whose steps per epoch differ.
        private long scheduleOffset;

        private long ScheduleStep => Step + scheduleOffset;

        /// <summary>0-based epoch in progress (or next to run).</summary>
        public int Epoch { get; private set; }

        public long Step { get; private set; }

        public TrainingResult Execute()
        {
            var classes = train.Classes;
            if (train.Count == 0 || validation.Count == 0)
            {
                throw new ArgumentException($"Training needs images in both sources (training has {train.Count}, validation {validation.Count}).");
            }

            if (validation.Classes.Count != classes.Count || !validation.Classes.SequenceEqual(classes))
            {
                throw new ArgumentException("The training and validation sources must have the same classes in the same order.");
            }

            devices = ReplicaDevices.Resolve(config);
            var device = devices[0];
            cpuReplicas = devices.Count(d => d.type == DeviceType.CPU);
            int threads = TorchRuntime.ConfigureThreads(config.Threads, config.LoaderWorkers, cpuReplicas);
            threadsInEffect = threads;
            // Unless fixed, the thread count is chosen again from what the loader turns out to need (TrainEpoch).
            calibrateThreads = cpuReplicas > 0 && TorchRuntime.FixedThreads(config.Threads) is null;
            var sampler = Sampler();
            // One loader makes the global batch (every replica's slice); the sampler's order does not depend on the batch size, so
            // every sample is seen once per epoch whatever the device count (DistributedSampler's guarantee, without its padding).
            int globalBatch = config.GlobalBatchSize(devices.Count);
            var trainLoader = new DataLoader(train, new TransformPipeline(AugmentationRecipes.Train(config)), sampler,
                new LoaderOptions(globalBatch, DropLast: sampler.SamplesPerEpoch > globalBatch, Seed: config.Seed, Workers: config.LoaderWorkers));
            var validationLoader = new DataLoader(validation, new TransformPipeline(AugmentationRecipes.Evaluation(config)), new SequentialSampler(validation.Count),
                new LoaderOptions(config.BatchSize, Seed: config.Seed, Workers: config.LoaderWorkers));

            TorchRuntime.Seed(config.Seed);
            var model = CreateModel(classes.Count);
            try
            {
                model.to(device);
                if (config.Ema is { } emaOptions)
                {
                    var average = CreateModel(classes.Count);
                    average.to(device);
                    ema = new ModelEma(model, average, emaOptions);
                }

                return Train(model, classes, device, threads, trainLoader, validationLoader);
            }
            catch
            {
                tensorBoard?.End(Platform.TensorBoard.HParamsSessionStatus.Failure);
                model.Dispose();
                throw;
            }
            finally
            {
                tensorBoard?.Dispose();
                ema?.Dispose();
                DisposeBestWeights();
            }
        }

        private TrainingResult Train(ImageClassifier model, IReadOnlyList<string> classes, Device device, int threads, DataLoader trainLoader, DataLoader validationLoader)
        {
            var strategy = new FineTuneStrategy(config.FineTune);
            var groups = ParameterGrouping.Refine(strategy.ParameterGroups(model), model, config.NoWeightDecayOnNormsAndBiases, config.LayerDecay);
            double lrFactor = config.LearningRateFactor(devices.Count);
            using var optimizer = ParameterGroupOptimizer.Create(config.Optimizer, config.Lr * lrFactor, config.WeightDecay, groups);
            var schedule = new LearningRateSchedule(config.Schedule with { EtaMin = config.Schedule.EtaMin * lrFactor }, config.Lr * lrFactor, config.Epochs,
                OptimizerStepsPerEpoch(trainLoader));
            var scaler = UsesLossScaling ? new DynamicLossScaler(config.LossScaling.InitialScale, config.LossScaling.GrowthInterval) : null;
            using var loss = LossFactory.Create(config.Loss, Labels.CountPerClass(Labels.Of(train), classes.Count));
            mixer = config.Mixup is { } mixup ? new BatchMixer(mixup, classes.Count, config.Loss.LabelSmoothing) : null;
            var checkpoints = options.CheckpointStore is { } store ? new CheckpointKeeper(store, config.Checkpoint) : null;
            if (checkpoints is not null && options.Resume && checkpoints.Latest is { } latest)
            {
                Restore(checkpoints, latest, model, optimizer, scaler, classes, trainLoader, schedule.StepsPerEpoch);
            }

            using var stepper = new TrainingStepper(model, config.Precision, () => CreateModel(classes.Count), scaler, devices) { KeepNormsOnDevice = true };
            blocks = config.Monitoring.BlockFigures ? BlockLayout.Of(model) : null;
            doctor = config.Doctor.Enabled ? new TrainingDoctor(config, classes, Labels.CountPerClass(Labels.Of(train), classes.Count)) : null;
            doctor?.Restore(resumedDoctor, history);
            strategy.ApplyTo(model, Epoch);
            options.Observer?.OnEvent(new RunStarted(device.ToString(), threads, config,
                model.parameters().Sum(p => p.numel()), model.parameters().Where(p => p.requires_grad).Sum(p => p.numel()),
                train.Count, validation.Count, classes, Epoch + 1)
            {
                Devices = ReplicaDevices.Names(devices),
                GlobalBatchSize = config.GlobalBatchSize(devices.Count),
                PeakLearningRate = config.Lr * lrFactor,
                ResumedFromGlobalBatchSize = resumedGlobalBatch,
                StartSample = resumedEpoch?.SamplesConsumed ?? 0,
            });
            tensorBoard = options.TensorBoardDirectory is { } logDirectory ? TensorBoardLog.Open(logDirectory, config, model, stepper.Parameters) : null;

            clock.Start();
            var stopReason = StopReason.Completed;
            Evaluation? lastEvaluation = null;
            for (; Epoch < config.Epochs; Epoch++)
            {
                TorchRuntime.Seed(EpochSeed(Epoch));
                bool frozen = strategy.ApplyTo(model, Epoch);
                stepper.SynchroniseFromMaster();
                foreach (var replica in stepper.ComputeModels)
                {
                    strategy.SetTrainingMode(replica, Epoch);
                }

                var trained = TrainEpoch(trainLoader, model, stepper, optimizer, schedule, loss, device, classes.Count,
                    checkpoints, scaler, classes);
                // The replicas' batch-norm running statistics, averaged into the master: what is evaluated, checkpointed and exported.
                stepper.ReduceBuffers();
                // Each epoch's evaluation ranks its mistakes (a bounded heap, cheap): the last one may be the final evaluation.
                lastEvaluation = Evaluate(model, validationLoader, loss, device, classes.Count, config.Monitoring.MisclassifiedExamples);
                var emaEvaluation = ema is null ? null : Evaluate(ema.Model, validationLoader, loss, device, classes.Count);
                var metrics = Metrics(trained, lastEvaluation, optimizer, frozen, scaler) with
                {
                    EmaValidationLoss = emaEvaluation?.Loss,
                    EmaValidationAccuracy = emaEvaluation?.Accuracy,
                    Blocks = trained.Blocks?.Figures(stepper.Parameters),
                    NonFiniteSteps = trained.NonFiniteSteps,
                    DeviceImagesPerSecond = trained.DeviceImagesPerSecond,
                    Threads = threadsInEffect,
                };
                history.Add(metrics);
                options.Observer?.OnEvent(new EpochCompleted(metrics));
                Diagnose(doctor?.ObserveEpoch(metrics, lastEvaluation.Confusion.PerClass(classes).Select(c => c.Support > 0 ? c.Recall : double.NaN).ToList()));
                tensorBoard?.Epoch(metrics);

                var (candidate, candidateSource) = Candidate(metrics);
                bool isBest = Improve(ref best, candidate, minDelta: 0);
                if (isBest)
                {
                    bestSource = candidateSource;
                    SnapshotBestWeights(candidateSource == WeightsSource.Ema ? ema!.Model : model);
                }
                if (trained.Partial)
                {
                    stopReason = StopReason.TimeBudgetReached;
                    break;
                }

                if (checkpoints is not null)
                {
                    SaveCheckpoint(checkpoints, isBest, model, optimizer, scaler, classes);
                }

                if (earlyStopping is { } progress && config.EarlyStopping is { } early)
                {
                    Improve(ref progress, Candidate(metrics).Value, early.MinDelta);
                    earlyStopping = progress;
                    if (progress.EpochsWithoutImprovement >= early.Patience && Epoch + 1 < config.Epochs)
                    {
                        Epoch++;
                        stopReason = StopReason.EarlyStopped;
                        break;
                    }
                }
            }

            clock.Stop();
            var (exported, source, exportedEpoch) = SelectExportedWeights(model, checkpoints);
            lastEvaluation = exported == ExportWeights.Last && lastEvaluation is not null
                ? lastEvaluation
                : Evaluate(model, validationLoader, loss, device, classes.Count, config.Monitoring.MisclassifiedExamples);
            var report = Report(lastEvaluation, classes, stopReason) with
            {
                ExportedWeights = exported,
                ExportedSource = source,
                ExportedEpoch = exportedEpoch,
            };
            options.Observer?.OnEvent(new RunCompleted(report));
            tensorBoard?.Completed(report);
            model.eval();
            return new TrainingResult(model, report);
        }

        private bool UsesLossScaling =>
            config.Precision == NumericPrecision.Fp16 || (config.Precision == NumericPrecision.Bf16 && config.LossScaling.Bf16LossScaling);

        /// <summary>With gradient accumulation, k batches make one step; a shorter last group still makes one.</summary>
        private int OptimizerStepsPerEpoch(DataLoader loader) => (loader.BatchesPerEpoch + config.AccumulationSteps - 1) / config.AccumulationSteps;

        private long EpochSeed(int epoch) => config.Seed * 1_000_003L + epoch;

        private ImageClassifier CreateModel(int classCount) =>
            options.ModelFactory?.Invoke(config, classCount) ?? ModelRegistry.Create(config.Architecture, config.ModelOptionsFor(classCount));

        private ISampler Sampler() => config.Sampler switch
        {
            SamplerKind.ClassBalanced => WeightedRandomSampler.ClassBalanced(train, config.Seed),
            SamplerKind.Oversample => ClassResamplingSampler.Oversample(train, config.Seed),
            SamplerKind.Undersample => ClassResamplingSampler.Undersample(train, config.Seed),
            _ => new RandomSampler(train.Count, config.Seed),
        };

        private sealed record EpochTraining(double Loss, double Accuracy, double? Top5, double MeanGradientNorm, double MaxGradientNorm,
            int Samples, double Seconds, int SkippedSteps, bool Partial, int NonFiniteSteps, BlockAccumulator? Blocks, IReadOnlyList<double> DeviceImagesPerSecond);

        private void Diagnose(IReadOnlyList<Contracts.Runs.RunFinding>? findings)
        {
            foreach (var finding in findings ?? [])
            {
                options.Observer?.OnEvent(new FindingRaised(finding));
            }
        }

        private EpochTraining TrainEpoch(DataLoader loader, ImageClassifier model, TrainingStepper stepper, ParameterGroupOptimizer optimizer,
            LearningRateSchedule schedule, ClassificationLoss loss, Device device, int classCount,
            CheckpointKeeper? checkpoints, DynamicLossScaler? scaler, IReadOnlyList<string> classes)
        {
            var watch = Stopwatch.StartNew();
            double normSum = 0, normMax = 0, lastNorm = double.NaN, earlierSeconds = 0;
            int samples = 0, finiteSteps = 0, skipped = 0, nonFinite = 0;
            bool partial = false;
            int k = config.AccumulationSteps;
            int logEvery = config.Monitoring.IntervalFor(OptimizerStepsPerEpoch(loader));
            var blockFigures = blocks is null ? null : new BlockAccumulator(blocks);
            using var totals = new StepTotals(device, topFive: classCount > 5);
            // A resumed epoch continues at its first unseen sample and ends where it was going to when it started, whatever the
            // global batch is now: every sample of the epoch once (its last batch may be shorter when the rest does not divide).
            var resumed = resumedEpoch;
            resumedEpoch = null;
            int firstSample = resumed?.SamplesConsumed ?? 0;
            epochSamples = resumed?.EpochSamples ?? loader.SamplesPerEpoch;
            if (resumed is not null)
            {
                samples = resumed.SamplesConsumed;
                normSum = resumed.GradientNormSum;
                normMax = resumed.MaxGradientNorm;
                finiteSteps = resumed.FiniteSteps;
                skipped = resumed.SkippedSteps;
                nonFinite = resumed.NonFiniteSteps;
                earlierSeconds = resumed.TrainSeconds;
                totals.Restore(resumed.LossSum, resumed.Correct, resumed.CorrectTop5, resumed.LossSinceLog, resumed.BatchesSinceLog);
                blockFigures?.Restore(resumed.Blocks);
                if (resumed.TorchRandomState is { } randomState)
                {
                    TorchRuntime.SetCpuRandomState(Convert.FromBase64String(randomState));
                }
            }

            int batchIndex = 0, batches = (epochSamples - firstSample + loader.Options.BatchSize - 1) / loader.Options.BatchSize;
            int? checkpointEvery = checkpoints is null ? null : config.Checkpoint.MidEpochInterval;
            // The loader's need is measured over batches 2–10 of the first epoch (after the warm-up of the first two).
            const int CalibrationFrom = 2, CalibrationBatches = 8;
            (TimeSpan Busy, long At)? calibrationStart = null;
            void ChooseThreads()
            {
                if (!calibrateThreads || calibrationStart is not { } start)
                {
                    return;
                }

                double wall = Stopwatch.GetElapsedTime(start.At).TotalSeconds;
                double loaderCores = wall > 0 ? (loader.BusyTime - start.Busy).TotalSeconds / wall : 0;
                threadsInEffect = TorchRuntime.ThreadsBesideLoader(Environment.ProcessorCount, loaderCores, cpuReplicas);
                TorchRuntime.SetThreads(threadsInEffect);
                calibrateThreads = false;
            }
            bool pinned = device.type == DeviceType.CUDA;

            // The host's view of the steps read since the last interval, in order: what the doctor and the figures need.
            void ObserveSteps()
            {
                foreach (var step in totals.TakeSteps())
                {
                    lastNorm = step.GradientNorm;
                    doctor?.ObserveStep(step.Step, step.GradientNorm);
                    if (!double.IsFinite(step.GradientNorm))
                    {
                        nonFinite++;
                    }

                    if (step.Skipped)
                    {
                        skipped++;
                    }
                    else if (double.IsFinite(step.GradientNorm))
                    {
                        finiteSteps++;
                        normSum += step.GradientNorm;
                        normMax = Math.Max(normMax, step.GradientNorm);
                        blockFigures?.AddStep(step.ParameterGradientNorms, step.Update);
                    }
                }
            }

            foreach (var batch in loader.ReadEpoch(Epoch, firstSample, epochSamples, cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (calibrateThreads && batchIndex == CalibrationFrom)
                {
                    calibrationStart = (loader.BusyTime, Stopwatch.GetTimestamp());
                }
                else if (batchIndex == CalibrationFrom + CalibrationBatches)
                {
                    ChooseThreads();
                }

                using var scope = NewDisposeScope();
                // On CUDA the batch goes through page-locked memory, so the copy can run while the device still computes.
                var hostImages = tensor(batch.Pixels, batch.Shape);
                var hostLabels = tensor(batch.Labels);
                var images = pinned ? hostImages.pin_memory().to(device, non_blocking: true) : hostImages.to(device);
                var labels = pinned ? hostLabels.pin_memory().to(device, non_blocking: true) : hostLabels.to(device);
                int groupStart = batchIndex / k * k, microBatches = Math.Min(k, batches - groupStart);
                optimizer.SetLearningRate(schedule.LearningRate(ScheduleStep));
                // Mixed batches train on soft targets; accuracy is still counted against each sample's own label.
                var targets = mixer is not null && mixer.ActiveIn(Epoch, config.Epochs)
                    ? mixer.Apply(images, labels, new Random(unchecked((int)(EpochSeed(Epoch) * 7919 + batch.FirstPosition / loader.Options.BatchSize)))) : null;
                bool logged = (Step + 1) % logEvery == 0;
                var outcome = stepper.Accumulate(targets?.Images ?? images, targets?.Targets ?? labels, loss, optimizer, config.GradientClipNorm,
                    batchIndex - groupStart, microBatches, measureUpdate: logged && blockFigures is not null);
                batchIndex++;
                samples += batch.Count;
                totals.AddBatch(outcome.Loss, outcome.Logits, labels, batch.Count);
                if (!outcome.Applied)
                {
                    continue;
                }

                if (!outcome.Skipped && ema is not null)
                {
                    // The average follows the master's buffers too, so with several replicas their statistics are reduced first.
                    if (devices.Count > 1)
                    {
                        stepper.ReduceBuffers();
                    }

                    ema.Update();
                }

                Step++;
                totals.AddStep(Step, outcome);
                if (options.SynchroniseEveryStep)
                {
                    ObserveSteps();
                    _ = totals.Totals();
                }

                if (logged)
                {
                    ObserveSteps();
                    var point = new StepLogged(Step, Epoch + 1, totals.TakeMeanLossSinceLog(), optimizer.LearningRates[FineTuneStrategy.HeadGroup],
                        lastNorm, stepper.Scaler?.Scale);
                    options.Observer?.OnEvent(point);
                    tensorBoard?.Step(point);
                    Diagnose(doctor?.ObserveLogged(point));
                }

                if (config.TimeBudgetSeconds is { } budget && clock.Elapsed.TotalSeconds >= budget)
                {
                    partial = true;
                    break;
                }

                if (checkpointEvery is { } every && Step % every == 0 && batchIndex < batches)
                {
                    ObserveSteps();
                    SaveMidEpochCheckpoint(checkpoints!, model, stepper, optimizer, scaler, classes, totals, blockFigures, new PartialEpoch(Epoch + 1,
                        batch.FirstPosition + batch.Count, epochSamples, 0, 0, 0, normSum, normMax, finiteSteps, skipped, nonFinite,
                        earlierSeconds + watch.Elapsed.TotalSeconds, 0, 0, null, null));
                }
            }

            ObserveSteps();
            ChooseThreads();
            var (lossSum, correct, correctTop5) = totals.Totals();
            int count = Math.Max(samples, 1);
            double seconds = earlierSeconds + watch.Elapsed.TotalSeconds;
            // Per device: this attempt's images over its own wall time (a resumed epoch's earlier part ran on other replicas).
            double attemptSeconds = watch.Elapsed.TotalSeconds;
            var perDevice = stepper.TakeReplicaSamples().Select(n => attemptSeconds > 0 ? n / attemptSeconds : 0).ToArray();
            return new EpochTraining(lossSum / count, correct / (double)count, classCount > 5 ? correctTop5 / (double)count : null,
                finiteSteps == 0 ? 0 : normSum / finiteSteps, normMax, samples, seconds, skipped, partial, nonFinite, blockFigures, perDevice);
        }

        /// <param name="Logits">Every validation image's logits, row-major [images, classes], with <paramref name="Labels"/>: what the calibration is fitted on
        /// (single-view even with tta: the logits of the graph that is exported and served).</param>
        /// <param name="Misclassified">The most confident wrong single-view predictions (at most <c>monitoring.misclassifiedExamples</c>), with
        /// <paramref name="Wrong"/> the count of every wrong one; empty and 0 for an evaluation that does not rank them.</param>
        private sealed record Evaluation(double Loss, double Accuracy, double? Top5, ConfusionMatrix Confusion, double Seconds, float[] Logits, long[] Labels,
            IReadOnlyList<MisclassifiedPrediction> Misclassified, int Wrong);

        private Evaluation Evaluate(ImageClassifier model, DataLoader loader, ClassificationLoss loss, Device device, int classCount, int rankMisclassified = 0)
        {
            var ranking = rankMisclassified > 0 ? new MisclassifiedRanking(rankMisclassified) : null;
            var watch = Stopwatch.StartNew();
            var confusion = new ConfusionMatrix(classCount);
            double lossSum = 0;
            long correctTop5 = 0;
            bool wasTraining = model.training;
            var allLogits = new List<float>();
            var allLabels = new List<long>();
            model.eval();
            using (no_grad())
            {
                foreach (var batch in loader.ReadEpoch(0, cancellationToken))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var images = tensor(batch.Pixels, batch.Shape).to(device);
                    var labels = tensor(batch.Labels).to(device);
                    var logits = model.call(images);
                    var scored = config.Tta == TestTimeAugmentation.Flip
                        ? FlipAveraging.LogMeanProbabilities(logits, model.call(FlipAveraging.Mirror(images)))
                        : logits;
                    lossSum += loss.Compute(scored, labels).item<float>() * batch.Count;
                    correctTop5 += Correct(scored, labels, classCount).Top5;
                    var predicted = scored.argmax(1).cpu().data<long>().ToArray();
                    confusion.Add(batch.Labels, predicted);
                    allLogits.AddRange(logits.to(ScalarType.Float32).cpu().contiguous().data<float>());
                    allLabels.AddRange(batch.Labels);
                    if (ranking is not null)
                    {
                        Rank(ranking, logits, batch, classCount);
                    }
                }
            }

            model.train(wasTraining);
            long total = Math.Max(confusion.Total, 1);
            return new Evaluation(lossSum / total, confusion.Accuracy, classCount > 5 ? correctTop5 / (double)total : null, confusion, watch.Elapsed.TotalSeconds,
                [.. allLogits], [.. allLabels], ranking?.MostConfident() ?? [], ranking?.Wrong ?? 0);
        }

        /// <summary>Offers a batch's single-view predictions (the exported graph's, as served) to the ranking of mistakes.</summary>
        private static void Rank(MisclassifiedRanking ranking, Tensor logits, ImageBatch batch, int classCount)
        {
            int k = Math.Min(3, classCount);
            var (values, indexes) = softmax(logits.to(ScalarType.Float32), 1).topk(k, dim: 1);
            var probabilities = values.cpu().contiguous().data<float>().ToArray();
            var classes = indexes.cpu().contiguous().data<long>().ToArray();
            for (int row = 0; row < batch.Count; row++)
            {
                var top = classes.AsSpan(row * k, k).ToArray().Select(c => (int)c).ToArray();
                var topProbabilities = probabilities.AsSpan(row * k, k).ToArray().Select(p => (double)p).ToArray();
                if (top[0] != batch.Labels[row])
                {
                    ranking.Offer(new MisclassifiedPrediction(batch.SampleIndices[row], (int)batch.Labels[row], top[0], topProbabilities[0], top, topProbabilities));
                }
            }
        }

        private static (long Top1, long Top5) Correct(Tensor logits, Tensor labels, int classCount)
        {
            using var scope = NewDisposeScope();
            long top1 = logits.argmax(1).eq(labels).sum().item<long>();
            if (classCount <= 5)
            {
                return (top1, top1);
            }

            var top5 = logits.topk(5, dim: 1).indexes.eq(labels.unsqueeze(1)).any(1).sum().item<long>();
            return (top1, top5);
        }

        private EpochMetrics Metrics(EpochTraining trained, Evaluation evaluation, ParameterGroupOptimizer optimizer, bool frozen, DynamicLossScaler? scaler) =>
            new(Epoch + 1, Step, trained.Loss, trained.Accuracy, trained.Top5, evaluation.Loss, evaluation.Accuracy, evaluation.Top5,
                optimizer.LearningRates[FineTuneStrategy.HeadGroup], trained.MeanGradientNorm, trained.MaxGradientNorm,
                trained.Seconds > 0 ? trained.Samples / trained.Seconds : 0, trained.Seconds, evaluation.Seconds, frozen, trained.Partial,
                scaler?.Scale, trained.SkippedSteps);

        /// <summary>This epoch's value of the checkpoint metric: the raw weights', or the EMA's when that is better.</summary>
        private (double Value, WeightsSource Source) Candidate(EpochMetrics metrics)
        {
            bool byLoss = config.Checkpoint.Metric == MonitoredMetric.ValLoss;
            double raw = byLoss ? metrics.ValidationLoss : metrics.ValidationAccuracy;
            if ((byLoss ? metrics.EmaValidationLoss : metrics.EmaValidationAccuracy) is not { } averaged)
            {
                return (raw, WeightsSource.Raw);
            }

            return (byLoss ? averaged < raw : averaged > raw) ? (averaged, WeightsSource.Ema) : (raw, WeightsSource.Raw);
        }

        /// <summary>Updates <paramref name="progress"/> with this epoch's value; returns whether it improved.</summary>
        private bool Improve(ref MetricProgress progress, double value, double minDelta)
        {
            bool improved = progress.Best is not { } bestValue
                            || (progress.Metric == MonitoredMetric.ValLoss ? value < bestValue - minDelta : value > bestValue + minDelta);
            progress = improved
                ? progress with { Best = value, BestEpoch = Epoch + 1, EpochsWithoutImprovement = 0 }
                : progress with { EpochsWithoutImprovement = progress.EpochsWithoutImprovement + 1 };
            return improved;
        }

        private void SnapshotBestWeights(ImageClassifier source)
        {
            DisposeBestWeights();
            if (config.Export.Weights != ExportWeights.Best)
            {
                return;
            }

            using var noGrad = no_grad();
            // The detached views are handles of their own: disposed at once, or every snapshot would leave one per tensor to the finalizer.
            bestWeights = [];
            foreach (var (name, tensor) in source.state_dict())
            {
                using var detached = tensor.detach();
                bestWeights[name] = detached.clone().DetachFromDisposeScope();
            }
        }

        private void DisposeBestWeights()
        {
            if (bestWeights is null)
            {
                return;
            }

            foreach (var tensor in bestWeights.Values)
            {
                tensor.Dispose();
            }

            bestWeights = null;
        }

        /// <summary>Puts the weights export.weights asks for into <paramref name="model"/>: best from the in-memory
        /// snapshot or, after a resume, from the best checkpoint; ema from the average; otherwise the last epoch's.</summary>
        private (ExportWeights Weights, WeightsSource Source, int Epoch) SelectExportedWeights(ImageClassifier model, CheckpointKeeper? checkpoints)
        {
            int lastEpoch = history.Count == 0 ? 0 : history[^1].Epoch;
            switch (config.Export.Weights)
            {
                case ExportWeights.Ema when ema is not null:
                    CopyState(ema.Model.state_dict(), model);
                    return (ExportWeights.Ema, WeightsSource.Ema, lastEpoch);
                case ExportWeights.Best when best.BestEpoch > 0 && bestWeights is not null:
                    CopyState(bestWeights, model);
                    return (ExportWeights.Best, bestSource, best.BestEpoch);
                case ExportWeights.Best when best.BestEpoch > 0 && checkpoints?.Open(CheckpointKeeper.BestName) is { } stream:
                    using (stream)
                    {
                        var manifest = CheckpointFile.Read(stream, model, optimizer: null);
                        return (ExportWeights.Best, manifest.BestWeights, manifest.Best.BestEpoch);
                    }
                default:
                    return (ExportWeights.Last, WeightsSource.Raw, lastEpoch);
            }
        }

        private static void CopyState(IReadOnlyDictionary<string, Tensor> source, ImageClassifier target)
        {
            using var noGrad = no_grad();
            foreach (var (name, tensor) in target.state_dict())
            {
                tensor.copy_(source[name]);
            }
        }

        private CheckpointManifest Manifest(int epochsCompleted, ParameterGroupOptimizer optimizer, DynamicLossScaler? scaler, IReadOnlyList<string> classes) =>
            new(CheckpointManifest.CurrentFormatVersion, config, classes, epochsCompleted, Step,
                optimizer.LearningRates[FineTuneStrategy.HeadGroup], best, earlyStopping, scaler?.State, history.ToArray(), DateTimeOffset.UtcNow,
                ema?.Updates, bestSource)
            {
                GlobalBatchSize = config.GlobalBatchSize(devices.Count),
                Devices = ReplicaDevices.Names(devices),
                ScheduleStep = ScheduleStep,
                Doctor = doctor?.Capture(),
            };

        /// <summary>
        /// A checkpoint inside the epoch after an optimizer step (<c>checkpoint.everySteps</c>): the master's state with the
        /// replicas' batch-norm statistics averaged in, and the epoch's position and totals so far (one read of the device totals).
        /// </summary>
        private void SaveMidEpochCheckpoint(CheckpointKeeper checkpoints, ImageClassifier model, TrainingStepper stepper, ParameterGroupOptimizer optimizer,
            DynamicLossScaler? scaler, IReadOnlyList<string> classes, StepTotals totals, BlockAccumulator? blockFigures, PartialEpoch progress)
        {
            if (devices.Count > 1)
            {
                stepper.ReduceBuffers();
            }

            var (lossSum, correct, correctTop5) = totals.Totals();
            var (lossSinceLog, batchesSinceLog) = totals.SinceLog();
            var manifest = Manifest(Epoch, optimizer, scaler, classes) with
            {
                PartialEpoch = progress with
                {
                    LossSum = lossSum,
                    Correct = correct,
                    CorrectTop5 = correctTop5,
                    LossSinceLog = lossSinceLog,
                    BatchesSinceLog = batchesSinceLog,
                    Blocks = blockFigures?.Sums(),
                    TorchRandomState = Convert.ToBase64String(TorchRuntime.GetCpuRandomState()),
                },
            };
            string name = checkpoints.SaveMidEpoch(Epoch + 1, Step, stream => CheckpointFile.Write(stream, manifest, model, optimizer, ema?.Model));
            options.Observer?.OnEvent(new CheckpointSaved(name, Epoch + 1, IsBest: false) { SamplesInEpoch = progress.SamplesConsumed });
        }

        private void SaveCheckpoint(CheckpointKeeper checkpoints, bool isBest, ImageClassifier model, ParameterGroupOptimizer optimizer,
            DynamicLossScaler? scaler, IReadOnlyList<string> classes)
        {
            var manifest = Manifest(Epoch + 1, optimizer, scaler, classes);
            // The best checkpoint's model holds the best weights, which are the EMA's when those scored better.
            var bestModel = bestSource == WeightsSource.Ema && ema is not null ? ema.Model : model;
            foreach (var name in checkpoints.Save(Epoch + 1, isBest,
                         stream => CheckpointFile.Write(stream, manifest, model, optimizer, ema?.Model),
                         stream => CheckpointFile.Write(stream, manifest, bestModel, optimizer, ema?.Model)))
            {
                options.Observer?.OnEvent(new CheckpointSaved(name, Epoch + 1, name == CheckpointKeeper.BestName));
            }
        }

        private void Restore(CheckpointKeeper checkpoints, string name, ImageClassifier model, ParameterGroupOptimizer optimizer,
            DynamicLossScaler? scaler, IReadOnlyList<string> classes, DataLoader trainLoader, int stepsPerEpoch)
        {
            Stream Open() => checkpoints.Open(name) ?? throw new InvalidOperationException($"Checkpoint '{name}' disappeared.");
            CheckpointManifest manifest;
            using (var stream = Open())
            {
                manifest = CheckpointFile.ReadManifest(stream);
            }

            if (manifest.Config.Architecture != config.Architecture || !manifest.Classes.SequenceEqual(classes))
            {
                throw new InvalidOperationException(
                    $"Checkpoint '{name}' was written for {manifest.Config.Architecture} with classes [{string.Join(", ", manifest.Classes)}]; it cannot resume this run.");
            }

            // Opened again rather than rewound: a store may hand out streams that cannot seek.
            using (var stream = Open())
            {
                CheckpointFile.Read(stream, model, optimizer, ema?.Model);
            }

            if (ema is not null)
            {
                ema.Restore(manifest.EmaUpdates ?? 0);
            }

            bestSource = manifest.BestWeights;
            Epoch = manifest.EpochsCompleted;
            Step = manifest.Step;
            best = manifest.Best;
            earlyStopping = manifest.EarlyStopping ?? earlyStopping;
            history.AddRange(manifest.History);
            resumedDoctor = manifest.Doctor;
            if (manifest.PartialEpoch is { } partial)
            {
                if (partial.Epoch != Epoch + 1 || partial.SamplesConsumed < 0 || partial.SamplesConsumed > partial.EpochSamples
                    || partial.EpochSamples > trainLoader.SamplerLength)
                {
                    throw new InvalidOperationException(
                        $"Checkpoint '{name}' stopped at sample {partial.SamplesConsumed} of {partial.EpochSamples} in epoch {partial.Epoch}, " +
                        $"which this run's {trainLoader.SamplerLength} training samples per epoch cannot continue.");
                }

                resumedEpoch = partial;
            }

            // The run continues at the first sample the checkpoint had not trained on (the next epoch's first after an epoch's
            // end) whatever the device count. With another global batch an epoch has another number of steps: the schedule
            // continues from the same point of the run (completed epochs × the new steps per epoch; inside an epoch, so that the
            // epoch's remaining steps end it where the epoch ends) while Step keeps counting the steps really taken.
            int savedGlobalBatch = manifest.GlobalBatchSize ?? manifest.Config.BatchSize;
            if (savedGlobalBatch != config.GlobalBatchSize(devices.Count) || manifest.Config.AccumulationSteps != config.AccumulationSteps)
            {
                resumedGlobalBatch = savedGlobalBatch;
                long position = (long)Epoch * stepsPerEpoch;
                if (resumedEpoch is { } rest)
                {
                    int batchSize = trainLoader.Options.BatchSize;
                    int remainingBatches = (rest.EpochSamples - rest.SamplesConsumed + batchSize - 1) / batchSize;
                    int remainingSteps = (remainingBatches + config.AccumulationSteps - 1) / config.AccumulationSteps;
                    position = Math.Max(0, position + stepsPerEpoch - remainingSteps);
                }

                scheduleOffset = position - Step;
            }
            else
            {
                scheduleOffset = (manifest.ScheduleStep ?? Step) - Step;
            }
            if (scaler is not null && manifest.LossScaler is { } scalerState)
            {
                scaler.Restore(scalerState);
            }
        }

        private FinalReport Report(Evaluation evaluation, IReadOnlyList<string> classes, StopReason stopReason)
        {
            var perClass = evaluation.Confusion.PerClass(classes);
            return new FinalReport(classes, perClass, evaluation.Confusion.ToArray(), evaluation.Accuracy, perClass.Average(c => c.F1),
                evaluation.Loss, best.BestEpoch, best.Best, history.Count(h => !h.Partial), Step, stopReason, clock.Elapsed.TotalSeconds, history.ToArray(),
                evaluation.Labels.Length > 0 ? TemperatureScaling.Fit(evaluation.Logits, evaluation.Labels, classes.Count) : null)
            {
                Misclassified = evaluation.Misclassified,
                MisclassifiedTotal = evaluation.Wrong,
            };
        }
    }
}
