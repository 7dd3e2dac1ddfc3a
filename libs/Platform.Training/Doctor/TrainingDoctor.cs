using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Runs;
using Platform.Contracts.Telemetry;
using Platform.Training.Configuration;
using Platform.Training.Engine;

namespace Platform.Training.Doctor;

/// <summary>
/// Reads a run's curves as they are made and names the guide's common problems (docs/training.md, "The training doctor"):
/// overfitting, underfitting, divergence, vanishing and exploding gradients, class imbalance. Each finding carries its
/// evidence and the remedies as configuration changes against this run's configuration. Thresholds are <see cref="DoctorOptions"/>.
/// It sees every optimizer step (not only the logged ones), so a single non-finite step or spike is not lost to sampling.
/// </summary>
public sealed class TrainingDoctor
{
    private const int SpikeWindow = 50;
    private const int SpikeWarmup = 10;
    private const int EvidenceValues = 8;

    private readonly TrainingConfig config;
    private readonly DoctorOptions options;
    private readonly IReadOnlyList<string> classes;
    private readonly IReadOnlyList<int> classCounts;
    private readonly List<EpochMetrics> epochs = [];
    private readonly Queue<double> recentNorms = new();
    private readonly List<GradientSpike> spikes = [];
    private readonly List<long> nonFiniteSteps = [];
    private readonly List<StepLogged> logged = [];
    private readonly Dictionary<string, RunFinding> findings = new(StringComparer.Ordinal);

    /// <param name="classCounts">Training images per class (the dataset's imbalance).</param>
    public TrainingDoctor(TrainingConfig config, IReadOnlyList<string> classes, IReadOnlyList<int> classCounts)
    {
        ArgumentNullException.ThrowIfNull(config);
        this.config = config;
        options = config.Doctor;
        this.classes = classes;
        this.classCounts = classCounts;
    }

    /// <summary>The latest finding of each id.</summary>
    public IReadOnlyCollection<RunFinding> Findings => findings.Values;

    /// <summary>What the doctor remembers of the run so far (for a checkpoint).</summary>
    public DoctorState Capture() => new([.. recentNorms], [.. spikes], [.. nonFiniteSteps], [.. logged], [.. findings.Values]);

    /// <summary>
    /// Continues a run from a checkpoint: its completed epochs and what the doctor remembered when it was written. Findings
    /// already raised are not raised again unless they change.
    /// </summary>
    public void Restore(DoctorState? state, IEnumerable<EpochMetrics> completedEpochs)
    {
        ArgumentNullException.ThrowIfNull(completedEpochs);
        epochs.Clear();
        epochs.AddRange(completedEpochs);
        if (state is null)
        {
            return;
        }

        recentNorms.Clear();
        foreach (var norm in state.RecentNorms.TakeLast(SpikeWindow))
        {
            recentNorms.Enqueue(norm);
        }

        spikes.Clear();
        spikes.AddRange(state.Spikes);
        nonFiniteSteps.Clear();
        nonFiniteSteps.AddRange(state.NonFiniteSteps);
        logged.Clear();
        logged.AddRange(state.Logged);
        findings.Clear();
        foreach (var finding in state.Findings)
        {
            findings[finding.Id] = finding;
        }
    }

    /// <summary>Every optimizer step that was due (skipped ones included): its gradient norm before clipping.</summary>
    public void ObserveStep(long step, double gradientNorm)
    {
        if (!double.IsFinite(gradientNorm))
        {
            nonFiniteSteps.Add(step);
            return;
        }

        if (recentNorms.Count >= SpikeWarmup)
        {
            double median = Median(recentNorms);
            if (median > 0 && gradientNorm > options.SpikeFactor * median)
            {
                spikes.Add(new GradientSpike(step, gradientNorm, median));
            }
        }

        recentNorms.Enqueue(gradientNorm);
        if (recentNorms.Count > SpikeWindow)
        {
            recentNorms.Dequeue();
        }
    }

    /// <summary>A step-level point: the step detectors run (divergence, exploding gradients); returns the findings that changed.</summary>
    public IReadOnlyList<RunFinding> ObserveLogged(StepLogged point)
    {
        ArgumentNullException.ThrowIfNull(point);
        logged.Add(point);
        var changed = new List<RunFinding>();
        Publish(Divergence(point.Epoch, point.Step), changed);
        Publish(Exploding(point.Epoch, point.Step), changed);
        return changed;
    }

    /// <summary>An epoch's figures and its validation per-class recall (NaN for a class without validation images): every detector runs; returns the findings that changed.</summary>
    public IReadOnlyList<RunFinding> ObserveEpoch(EpochMetrics metrics, IReadOnlyList<double> perClassRecall)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(perClassRecall);
        epochs.Add(metrics);
        var changed = new List<RunFinding>();
        Publish(Divergence(metrics.Epoch, metrics.Step), changed);
        Publish(Exploding(metrics.Epoch, metrics.Step), changed);
        Publish(Overfitting(metrics), changed);
        Publish(Underfitting(metrics), changed);
        Publish(Vanishing(metrics), changed);
        Publish(Imbalance(metrics, perClassRecall), changed);
        return changed;
    }

    private void Publish(RunFinding? finding, List<RunFinding> changed)
    {
        if (!options.Enabled || finding is null)
        {
            return;
        }

        if (findings.TryGetValue(finding.Id, out var previous) && previous.Severity == finding.Severity && previous.Summary == finding.Summary)
        {
            return;
        }

        findings[finding.Id] = finding;
        changed.Add(finding);
    }

    private RunFinding? Overfitting(EpochMetrics latest)
    {
        int k = options.OverfitEpochs;
        var evidence = new List<FindingEvidence>();
        bool rising = false;
        if (epochs.Count > k)
        {
            var window = epochs.TakeLast(k + 1).ToList();
            rising = window.Zip(window.Skip(1)).All(pair => pair.Second.ValidationLoss > pair.First.ValidationLoss)
                     && window[^1].TrainLoss < window[0].TrainLoss;
            if (rising)
            {
                evidence.Add(EpochEvidence("val_loss", window, m => m.ValidationLoss, $"rose {k} epochs in a row"));
                evidence.Add(EpochEvidence("train_loss", window, m => m.TrainLoss, "fell over the same epochs"));
            }
        }

        double gap = latest.TrainAccuracy - latest.ValidationAccuracy;
        bool gapped = epochs.Count >= 2 && gap >= options.OverfitAccuracyGap;
        if (gapped)
        {
            evidence.Add(new FindingEvidence("train_accuracy", CurveAxes.Epoch, latest.Epoch, latest.Epoch, [latest.TrainAccuracy],
                Invariant($"{gap:P1} above val_accuracy {latest.ValidationAccuracy:P1} (threshold {options.OverfitAccuracyGap:P0})")));
        }

        if (!rising && !gapped)
        {
            return null;
        }

        var summary = rising
            ? Invariant($"Overfitting: validation loss rose for {k} epochs while training loss fell (epoch {latest.Epoch}, train–val accuracy gap {gap:P1}).")
            : Invariant($"Overfitting: training accuracy is {gap:P1} above validation accuracy at epoch {latest.Epoch}.");
        var remedies = new List<FindingRemedy>
        {
            Remedy("Stronger weight decay pulls the weights towards zero, a simpler function that generalises better.",
                ("weightDecay", config.WeightDecay < 0.05 ? 0.05 : Math.Min(1, Round(config.WeightDecay * 2)))),
        };
        if (config.Dropout < 0.5)
        {
            remedies.Add(Remedy("More dropout before the classifier keeps the head from relying on a few features.", ("dropout", 0.5)));
        }
        if (config.Loss.Kind != LossKind.Focal && config.Loss.LabelSmoothing < 0.1)
        {
            remedies.Add(Remedy("Label smoothing stops the model from driving its training logits to certainty.", ("loss.labelSmoothing", 0.1)));
        }
        if (config.Augmentation.Recipe is null && config.Augmentation.Preset != AugmentationPreset.Standard)
        {
            remedies.Add(Remedy("Stronger augmentation shows the model more varied images than the training set holds.",
                ("augmentation.preset", config.Augmentation.Preset == AugmentationPreset.None ? AugmentationPreset.Light : AugmentationPreset.Standard)));
        }
        if (config.EarlyStopping is null)
        {
            remedies.Add(Remedy("Early stopping ends the run once validation loss stops improving; the best epoch's weights are exported.",
                ("earlyStopping", new EarlyStoppingOptions(MonitoredMetric.ValLoss, Patience: Math.Max(2, k)))));
        }

        return Finding(FindingKinds.Overfitting, rising ? FindingSeverities.Warning : FindingSeverities.Info, summary, evidence, remedies, latest.Epoch, latest.Step);
    }

    private RunFinding? Underfitting(EpochMetrics latest)
    {
        int k = options.FlatEpochs;
        if (epochs.Count <= k || epochs.Any(e => !double.IsFinite(e.TrainLoss)))
        {
            return null;
        }

        var window = epochs.TakeLast(k + 1).ToList();
        double first = window[0].TrainLoss, last = window[^1].TrainLoss;
        double change = Math.Abs(first - last) / Math.Max(Math.Abs(first), 1e-12);
        // A converged model's loss is flat too: only a loss still near chance (ln K for K classes) is underfitting.
        double chance = Math.Log(Math.Max(2, classes.Count));
        if (change >= options.FlatRelativeChange || last < 0.5 * chance)
        {
            return null;
        }

        var evidence = new List<FindingEvidence>
        {
            EpochEvidence("train_loss", window, m => m.TrainLoss,
                Invariant($"changed {change:P2} over {k} epochs (threshold {options.FlatRelativeChange:P0}); chance level is ln {classes.Count} = {chance:F3}")),
            EpochEvidence("lr", window, m => m.LearningRate, "learning rate over the same epochs"),
        };
        var remedies = new List<FindingRemedy>
        {
            Remedy("A learning rate ten times higher lets the optimizer move off the plateau.", ("lr", Math.Min(10, Round(config.Lr * 10)))),
        };
        if (config.Schedule.WarmupEpochs == 0 && config.Schedule.WarmupSteps == 0)
        {
            remedies.Add(Remedy("A warm-up epoch eases a high learning rate in.", ("schedule.warmupEpochs", 1)));
        }
        if (config.WeightDecay > 0.01 || config.Dropout > 0.3)
        {
            remedies.Add(Remedy("Less regularisation leaves the model room to fit the training set first.", ("weightDecay", 0.0)));
        }

        return Finding(FindingKinds.Underfitting, FindingSeverities.Warning,
            Invariant($"Underfitting: training loss is flat near chance ({last:F3}, changed {change:P2} over {k} epochs) at epoch {latest.Epoch}."),
            evidence, remedies, latest.Epoch, latest.Step);
    }

    private RunFinding? Divergence(int epoch, long step)
    {
        var evidence = new List<FindingEvidence>();
        var nonFinite = logged.Where(p => !double.IsFinite(p.TrainLoss)).ToList();
        var nonFiniteEpochs = epochs.Where(e => !double.IsFinite(e.TrainLoss)).ToList();
        var finite = logged.Where(p => double.IsFinite(p.TrainLoss)).ToList();
        bool diverging = false;
        if (finite.Count >= 3)
        {
            double start = finite[0].TrainLoss, worst = finite.Max(p => p.TrainLoss);
            diverging = start > 0 && worst > options.DivergenceFactor * start;
            if (diverging)
            {
                var peak = finite.MaxBy(p => p.TrainLoss)!;
                evidence.Add(new FindingEvidence("step_train_loss", CurveAxes.Step, finite[0].Step, peak.Step, [start, worst],
                    Invariant($"rose from {start:G4} to {worst:G4}, above {options.DivergenceFactor}× its first value")));
            }
        }
        if (nonFinite.Count > 0)
        {
            evidence.Add(new FindingEvidence("step_train_loss", CurveAxes.Step, nonFinite[0].Step, nonFinite[^1].Step, [],
                Invariant($"{nonFinite.Count} logged points with a non-finite loss")));
        }
        if (nonFiniteEpochs.Count > 0)
        {
            evidence.Add(new FindingEvidence("train_loss", CurveAxes.Epoch, nonFiniteEpochs[0].Epoch, nonFiniteEpochs[^1].Epoch, [],
                Invariant($"{nonFiniteEpochs.Count} epochs with a non-finite training loss")));
        }
        if (evidence.Count == 0)
        {
            return null;
        }

        var remedies = new List<FindingRemedy>
        {
            Remedy("A learning rate ten times lower keeps the steps inside the region where the loss falls.", ("lr", Math.Max(1e-8, Round(config.Lr / 10)))),
        };
        if (config.Schedule.WarmupEpochs == 0 && config.Schedule.WarmupSteps == 0)
        {
            remedies.Add(Remedy("A warm-up epoch starts from a small learning rate while the statistics settle.", ("schedule.warmupEpochs", 1)));
        }
        if (config.GradientClipNorm is null)
        {
            remedies.Add(Remedy("Clipping the gradient norm bounds every step.", ("gradientClipNorm", 1.0)));
        }

        bool fatal = nonFinite.Count > 0 || nonFiniteEpochs.Count > 0;
        var summary = fatal
            ? Invariant($"Divergence: the training loss became non-finite (by step {step}); the learning rate {config.Lr:G3} is too high.")
            : Invariant($"Divergence: the training loss grew above {options.DivergenceFactor}× its first value (by step {step}); the learning rate {config.Lr:G3} is too high.");
        return Finding(FindingKinds.Divergence, FindingSeverities.Critical, summary, evidence, remedies, epoch, step);
    }

    private RunFinding? Exploding(int epoch, long step)
    {
        var evidence = new List<FindingEvidence>();
        if (nonFiniteSteps.Count >= options.NonFiniteSteps)
        {
            evidence.Add(new FindingEvidence("step_grad_norm", CurveAxes.Step, nonFiniteSteps[0], nonFiniteSteps[^1], [],
                Invariant($"{nonFiniteSteps.Count} steps with a non-finite gradient norm (first at step {nonFiniteSteps[0]})")));
        }
        if (spikes.Count > 0)
        {
            var largest = spikes.OrderByDescending(s => s.Norm / s.Median).Take(EvidenceValues).OrderBy(s => s.Step).ToList();
            evidence.Add(new FindingEvidence("step_grad_norm", CurveAxes.Step, spikes[0].Step, spikes[^1].Step, largest.Select(s => s.Norm).ToList(),
                Invariant($"{spikes.Count} spikes above {options.SpikeFactor}× the median of the steps before (steps {string.Join(", ", largest.Select(s => s.Step))})")));
        }
        var drops = epochs.Where(e => e.SkippedSteps >= options.LossScaleDrops).ToList();
        if (drops.Count > 0)
        {
            evidence.Add(new FindingEvidence("loss_scale", CurveAxes.Epoch, drops[0].Epoch, drops[^1].Epoch, drops.Select(e => e.LossScale ?? double.NaN).ToList(),
                Invariant($"the loss scale dropped {drops.Max(e => e.SkippedSteps)} times in one epoch (threshold {options.LossScaleDrops})")));
        }
        if (evidence.Count == 0)
        {
            return null;
        }

        var remedies = new List<FindingRemedy>();
        if (config.GradientClipNorm is null)
        {
            remedies.Add(Remedy("Clipping the global gradient norm to 1 bounds the step a spike can take.", ("gradientClipNorm", 1.0)));
        }
        remedies.Add(Remedy("A lower learning rate makes each step, and each spike's damage, smaller.", ("lr", Math.Max(1e-8, Round(config.Lr / 10)))));
        if (config.Precision == NumericPrecision.Fp16)
        {
            remedies.Add(Remedy("bf16 has fp32's exponent range: gradients that overflow fp16 fit.", ("precision", NumericPrecision.Bf16)));
        }

        bool fatal = nonFiniteSteps.Count >= options.NonFiniteSteps && !(config.Precision == NumericPrecision.Fp16 && spikes.Count == 0 && drops.Count == 0);
        var summary = Invariant($"Exploding gradients: {nonFiniteSteps.Count} non-finite steps, {spikes.Count} norm spikes, {drops.Count} epochs of repeated loss-scale drops (by step {step}).");
        return Finding(FindingKinds.ExplodingGradients, fatal ? FindingSeverities.Critical : FindingSeverities.Warning, summary, evidence, remedies, epoch, step);
    }

    private RunFinding? Vanishing(EpochMetrics latest)
    {
        var blocks = latest.Blocks?.Where(b => b.GradientNorm is not null).ToList();
        if (blocks is null || blocks.Count < 2)
        {
            return null;
        }

        var (first, last) = (blocks[0], blocks[^1]);
        double ratio = first.GradientNorm!.Value / Math.Max(last.GradientNorm!.Value, double.Epsilon);
        bool nearZero = first.GradientNorm.Value < options.VanishingFloor;
        if (!nearZero && !(ratio < options.VanishingRatio))
        {
            return null;
        }

        var evidence = blocks.Select(b => new FindingEvidence(TrainingTelemetryConventions.MetricNames.BlockGradientNormPrefix + b.Block, CurveAxes.Epoch, latest.Epoch, latest.Epoch,
            [b.GradientNorm!.Value], b == first ? Invariant($"first block: {ratio:G3} of the last block's") : b == last ? "last block" : "")).ToList();
        var residual = config.ImageSize <= 64 ? "resnet18_small" : "resnet18";
        var remedies = new List<FindingRemedy>
        {
            Remedy($"A residual architecture with batch normalisation and He initialisation ({residual}) carries the gradient to the first layers.",
                ("architecture", residual)),
        };
        if (config.Optimizer.Kind == OptimizerKind.Sgd)
        {
            remedies.Add(Remedy("AdamW scales each parameter's step by its own gradient history, so small gradients still move the first layers.",
                ("optimizer.kind", OptimizerKind.AdamW)));
        }

        return Finding(FindingKinds.VanishingGradients, nearZero ? FindingSeverities.Critical : FindingSeverities.Warning,
            Invariant($"Vanishing gradients: the first block ({first.Block}) gets {ratio:G3} of the last block's ({last.Block}) gradient norm at epoch {latest.Epoch}."),
            evidence, remedies, latest.Epoch, latest.Step);
    }

    private RunFinding? Imbalance(EpochMetrics latest, IReadOnlyList<double> recall)
    {
        // Classes with no training image or no validation image (NaN recall) say nothing about imbalance.
        var present = Enumerable.Range(0, classCounts.Count).Where(c => classCounts[c] > 0 && c < recall.Count && !double.IsNaN(recall[c])).ToList();
        if (present.Count < 2 || recall.Count != classCounts.Count)
        {
            return null;
        }

        int largest = present.MaxBy(c => classCounts[c]), smallest = present.MinBy(c => classCounts[c]);
        int best = present.MaxBy(c => recall[c]), worst = present.MinBy(c => recall[c]);
        double ratio = classCounts[largest] / (double)classCounts[smallest];
        double spread = recall[best] - recall[worst];
        if (ratio < options.ImbalanceRatio || spread < options.RecallSpread)
        {
            return null;
        }

        var evidence = new List<FindingEvidence>
        {
            new("class_counts", CurveAxes.Epoch, latest.Epoch, latest.Epoch, present.Select(c => (double)classCounts[c]).ToList(),
                Invariant($"imbalance ratio {ratio:F1} ({classes[largest]}: {classCounts[largest]}, {classes[smallest]}: {classCounts[smallest]}; threshold {options.ImbalanceRatio})")),
            new("per_class_recall", CurveAxes.Epoch, latest.Epoch, latest.Epoch, present.Select(c => recall[c]).ToList(),
                Invariant($"validation recall from {recall[worst]:P0} ({classes[worst]}) to {recall[best]:P0} ({classes[best]}); spread threshold {options.RecallSpread:P0}")),
        };
        var remedies = new List<FindingRemedy>();
        if (config.Loss.Kind == LossKind.CrossEntropy)
        {
            remedies.Add(Remedy("Weighting each class's loss by its inverse frequency makes every class count alike.", ("loss.kind", LossKind.WeightedCrossEntropy)));
        }
        if (config.Sampler == SamplerKind.Shuffle)
        {
            remedies.Add(Remedy("A class-balanced sampler draws every class equally often (or oversample the small classes at ingest: --balance oversample).",
                ("sampler", SamplerKind.ClassBalanced)));
        }
        if (config.Loss.Kind != LossKind.Focal)
        {
            remedies.Add(Remedy("Focal loss puts the weight on the examples the model still gets wrong, often those of small classes.", ("loss.kind", LossKind.Focal)));
        }

        return Finding(FindingKinds.ClassImbalance, FindingSeverities.Warning,
            Invariant($"Class imbalance: {ratio:F1}× more images of {classes[largest]} than of {classes[smallest]}, and validation recall spreads {spread:P0} ({classes[worst]} {recall[worst]:P0}) at epoch {latest.Epoch}."),
            evidence, remedies, latest.Epoch, latest.Step);
    }

    private static RunFinding Finding(string kind, string severity, string summary, List<FindingEvidence> evidence, List<FindingRemedy> remedies, int epoch, long step) =>
        new(kind, kind, severity, summary, evidence, remedies, epoch, step);

    private static FindingEvidence EpochEvidence(string metric, IReadOnlyList<EpochMetrics> window, Func<EpochMetrics, double> value, string note) =>
        new(metric, CurveAxes.Epoch, window[0].Epoch, window[^1].Epoch, window.TakeLast(EvidenceValues).Select(value).ToList(), note);

    private static FindingRemedy Remedy(string description, params (string Path, object Value)[] changes) =>
        new(description, changes.ToDictionary(c => c.Path, c => JsonSerializer.SerializeToElement(c.Value, c.Value.GetType(), TrainingConfig.JsonOptions), StringComparer.Ordinal));

    private static double Round(double value) => double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
