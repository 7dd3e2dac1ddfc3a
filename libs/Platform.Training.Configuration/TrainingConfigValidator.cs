using Platform.Imaging.Formats.Recipes;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Configuration;

/// <summary>Range and consistency checks of <see cref="TrainingConfig"/>; collects every violation.</summary>
internal sealed class TrainingConfigValidator
{
    private readonly List<ConfigViolation> violations = [];

    public static IReadOnlyList<ConfigViolation> Validate(TrainingConfig config)
    {
        var validator = new TrainingConfigValidator();
        validator.Check(config);
        return validator.violations;
    }

    private void Check(TrainingConfig c)
    {
        CheckModel(c);
        Range("lr", c.Lr, 1e-8, 10);
        Range("weightDecay", c.WeightDecay, 0, 1);
        Range("epochs", c.Epochs, 1, 10_000);
        Range("batchSize", c.BatchSize, 1, 4096);
        Range("accumulationSteps", c.AccumulationSteps, 1, 1024);
        if (c.LayerDecay is { } layerDecay)
        {
            Range("layerDecay", layerDecay, 1e-3, 1);
            if (ArchitectureCatalog.Contains(c.Architecture) && ArchitectureCatalog.Describe(c.Architecture).Family is not ("vit" or "swin" or "convnext"))
            {
                Add("layerDecay", $"layer-wise decay needs an architecture of residual blocks (vit, swin, convnext families); {c.Architecture} is a {ArchitectureCatalog.Describe(c.Architecture).Family}.");
            }
        }

        Range("dropout", c.Dropout, 0, 1, maxExclusive: true);
        if (c.GradientClipNorm is { } clip)
        {
            Range("gradientClipNorm", clip, 1e-6, 1e6);
        }

        Range("seed", c.Seed, 0, int.MaxValue);
        if (c.Threads is { } threads)
        {
            Range("threads", threads, 1, 1024);
        }

        Range("loaderWorkers", c.LoaderWorkers, 1, 64);
        CheckDevices(c);
        Range("lrBaseBatch", c.LrBaseBatch, 1, 1_000_000);
        if (c.TimeBudgetSeconds is { } budget)
        {
            Range("timeBudgetSeconds", budget, 1, 30 * 24 * 3600);
        }

        if (Present("fineTune", c.FineTune) is { } fineTune)
        {
            CheckFineTune(fineTune, c.Epochs);
        }

        if (Present("optimizer", c.Optimizer) is { } optimizer)
        {
            CheckOptimizer(optimizer);
        }

        if (Present("schedule", c.Schedule) is { } schedule)
        {
            CheckSchedule(schedule, c);
        }

        if (Present("augmentation", c.Augmentation) is { } augmentation)
        {
            CheckAugmentation(augmentation, c);
            CheckRequiredNormalization(augmentation, c);
        }

        if (Present("loss", c.Loss) is { } loss)
        {
            CheckLoss(loss);
        }

        if (c.EarlyStopping is { } early)
        {
            Range("earlyStopping.patience", early.Patience, 1, 10_000);
            Range("earlyStopping.minDelta", early.MinDelta, 0, 1e6);
        }

        if (c.Mixup is { } mixup)
        {
            Range("mixup.alpha", mixup.Alpha, 0, 10);
            Range("mixup.cutmixAlpha", mixup.CutmixAlpha, 0, 10);
            Range("mixup.switchProbability", mixup.SwitchProbability, 0, 1);
            Range("mixup.probability", mixup.Probability, 0, 1);
            Range("mixup.offEpochs", mixup.OffEpochs, 0, Math.Max(0, c.Epochs - 1));
            if (mixup.Alpha == 0 && mixup.CutmixAlpha == 0)
            {
                Add("mixup", "needs alpha or cutmixAlpha above 0.");
            }

            if (c.Loss is { Kind: not LossKind.CrossEntropy })
            {
                Add("mixup", "mixed batches have soft targets, which only loss.kind crossEntropy takes.");
            }
        }

        if (c.Ema is { } ema)
        {
            Range("ema.decay", ema.Decay, 0, 1, maxExclusive: true);
        }

        if (Present("export", c.Export) is { } export && export.Weights == ExportWeights.Ema && c.Ema is null)
        {
            Add("export.weights", "ema needs an ema section (for example ema: { decay: 0.999 }).");
        }

        if (Present("checkpoint", c.Checkpoint) is { } checkpoint)
        {
            Range("checkpoint.keepLast", checkpoint.KeepLast, 1, 1000);
            if (checkpoint.EverySteps is { } everySteps)
            {
                Range("checkpoint.everySteps", everySteps, 0, 1_000_000);
            }
        }

        if (Present("lossScaling", c.LossScaling) is { } scaling)
        {
            Range("lossScaling.initialScale", scaling.InitialScale, 1, Math.Pow(2, 24));
            Range("lossScaling.growthInterval", scaling.GrowthInterval, 1, 1_000_000);
        }

        if (Present("monitoring", c.Monitoring) is { } monitoring)
        {
            if (monitoring.LogEverySteps is { } every)
            {
                Range("monitoring.logEverySteps", every, 1, 1_000_000);
            }

            Range("monitoring.misclassifiedExamples", monitoring.MisclassifiedExamples, 0, MonitoringOptions.MaxMisclassifiedExamples);
        }

        if (Present("doctor", c.Doctor) is { } doctor)
        {
            CheckDoctor(doctor);
        }
    }

    private void CheckDoctor(DoctorOptions d)
    {
        Range("doctor.overfitEpochs", d.OverfitEpochs, 1, 1000);
        Range("doctor.overfitAccuracyGap", d.OverfitAccuracyGap, 0, 1);
        Range("doctor.flatEpochs", d.FlatEpochs, 1, 1000);
        Range("doctor.flatRelativeChange", d.FlatRelativeChange, 0, 1);
        Range("doctor.divergenceFactor", d.DivergenceFactor, 1, 1e6);
        Range("doctor.vanishingRatio", d.VanishingRatio, 0, 1);
        Range("doctor.vanishingFloor", d.VanishingFloor, 0, 1);
        Range("doctor.spikeFactor", d.SpikeFactor, 1, 1e6);
        Range("doctor.nonFiniteSteps", d.NonFiniteSteps, 1, 1_000_000);
        Range("doctor.lossScaleDrops", d.LossScaleDrops, 1, 1_000_000);
        Range("doctor.imbalanceRatio", d.ImbalanceRatio, 1, 1e6);
        Range("doctor.recallSpread", d.RecallSpread, 0, 1);
    }

    private void CheckModel(TrainingConfig c)
    {
        Range("inputChannels", c.InputChannels, 1, 3);
        if (c.InputChannels == 2)
        {
            Add("inputChannels", "must be 1 (grayscale) or 3 (RGB).");
        }

        Range("imageSize", c.ImageSize, ModelOptions.MinImageSize, ModelOptions.MaxImageSize);
        Range("patchSize", c.PatchSize, 1, ModelOptions.MaxImageSize);
        if (string.IsNullOrWhiteSpace(c.Architecture) || !ArchitectureCatalog.Contains(c.Architecture))
        {
            Add("architecture", $"'{c.Architecture}' is not a known architecture; choose one of {string.Join(", ", ArchitectureCatalog.Names)}.");
            return;
        }

        if (c.Pretrained && !PretrainedWeights.Available(c.Architecture))
        {
            Add("pretrained", $"no pretrained weights are available for '{c.Architecture}'"
                              + (PretrainedWeights.Architectures.Count == 0
                                  ? " (no architecture has pretrained weights in this version); set pretrained to false."
                                  : $"; architectures with pretrained weights: {string.Join(", ", PretrainedWeights.Architectures)}."));
        }

        if (c.DropPath is { } dropPath)
        {
            Range("dropPath", dropPath, 0, 1, maxExclusive: true);
            if (dropPath > 0 && ArchitectureCatalog.Describe(c.Architecture).DefaultDropPath is null)
            {
                Add("dropPath", $"{c.Architecture} has no stochastic depth; architectures with it: "
                                + string.Join(", ", ArchitectureCatalog.Architectures.Where(a => a.DefaultDropPath is not null).Select(a => a.Name)) + ".");
            }
        }

        bool modelOptionsInRange = c.InputChannels is 1 or 3
                                   && c.ImageSize is >= ModelOptions.MinImageSize and <= ModelOptions.MaxImageSize
                                   && c.PatchSize is >= 1 and <= ModelOptions.MaxImageSize
                                   && c.Dropout is >= 0 and < 1
                                   && c.EffectiveDropPath is >= 0 and < 1;
        if (modelOptionsInRange)
        {
            // The class count is only known from the data; 2 is a stand-in that every architecture accepts.
            foreach (var problem in ArchitectureCatalog.Validate(c.Architecture, c.ModelOptionsFor(numClasses: 2)))
            {
                Add("architecture", problem);
            }
        }
    }

    private void CheckDevices(TrainingConfig c)
    {
        if (DeviceRequest.TryParse(c.Devices, out var error) is not { } request)
        {
            Add("devices", error!);
            return;
        }

        if (c.Device == DevicePreference.Cpu && request.Names.Any(name => name.StartsWith("cuda", StringComparison.Ordinal)))
        {
            Add("devices", $"device is cpu but devices names {string.Join(", ", request.Names)}; drop one of the two.");
        }

        if (c.Device == DevicePreference.Cuda && request.Names.Contains("cpu"))
        {
            Add("devices", "device is cuda but devices is cpu; drop one of the two.");
        }
    }

    private void CheckFineTune(FineTuneOptions f, int epochs)
    {
        if (f.Mode != FineTuneMode.Staged)
        {
            return;
        }

        Range("fineTune.headEpochs", f.HeadEpochs, 1, 10_000);
        if (f.HeadEpochs >= epochs)
        {
            Add("fineTune.headEpochs", $"must be less than epochs ({epochs}) so the backbone is unfrozen at some point.");
        }

        Range("fineTune.backboneLrFactor", f.BackboneLrFactor, 1e-6, 10);
    }

    private void CheckOptimizer(OptimizerOptions o)
    {
        if (o.Kind == OptimizerKind.AdamW)
        {
            Range("optimizer.beta1", o.Beta1, 0, 1, maxExclusive: true);
            Range("optimizer.beta2", o.Beta2, 0, 1, maxExclusive: true);
            Range("optimizer.eps", o.Eps, 1e-12, 1);
            return;
        }

        Range("optimizer.momentum", o.Momentum, 0, 1, maxExclusive: true);
        if (o.Nesterov && o.Momentum <= 0)
        {
            Add("optimizer.nesterov", "Nesterov momentum needs momentum > 0.");
        }
    }

    private void CheckSchedule(ScheduleOptions s, TrainingConfig c)
    {
        Range("schedule.warmupEpochs", s.WarmupEpochs, 0, 10_000);
        Range("schedule.warmupSteps", s.WarmupSteps, 0, 100_000_000);
        if (s.WarmupSteps == 0 && s.WarmupEpochs >= c.Epochs && s.WarmupEpochs > 0)
        {
            Add("schedule.warmupEpochs", $"must be less than epochs ({c.Epochs}).");
        }

        switch (s.Kind)
        {
            case ScheduleKind.Cosine:
                Range("schedule.etaMin", s.EtaMin, 0, double.MaxValue);
                if (s.EtaMin > c.Lr)
                {
                    Add("schedule.etaMin", $"must not exceed lr ({c.Lr}).");
                }

                if (s.TMax is { } tMax)
                {
                    Range("schedule.tMax", tMax, 1, 100_000);
                }

                break;
            case ScheduleKind.Step or ScheduleKind.Constant when s.TMax is not null:
                Add("schedule.tMax", "applies to the cosine schedule only.");
                break;
            case ScheduleKind.Step:
                Range("schedule.stepSize", s.StepSize, 1, 10_000);
                Range("schedule.gamma", s.Gamma, 1e-6, 1);
                break;
        }
    }

    private void CheckAugmentation(AugmentationOptions a, TrainingConfig c)
    {
        CheckStatistics("augmentation.mean", a.Mean, c.InputChannels, positive: false);
        CheckStatistics("augmentation.std", a.Std, c.InputChannels, positive: true);
        CheckAutoAugment(a);
        if (a.Recipe is not { } recipe)
        {
            return;
        }

        try
        {
            recipe.Validated();
        }
        catch (ArgumentException ex)
        {
            Add("augmentation.recipe", ex.Message);
            return;
        }

        if (recipe.Size != c.ImageSize)
        {
            Add("augmentation.recipe.size", $"must equal imageSize ({c.ImageSize}).");
        }

        if (recipe.Channels != c.InputChannels)
        {
            Add("augmentation.recipe.channels", $"must equal inputChannels ({c.InputChannels}).");
        }
    }

    private void CheckAutoAugment(AugmentationOptions a)
    {
        if (a.RandAugment is { } randAugment)
        {
            Range("augmentation.randAugment.n", randAugment.N, 1, 10);
            Range("augmentation.randAugment.m", randAugment.M, 0, RandAugmentOptions.MaxMagnitude);
            Range("augmentation.randAugment.magnitudeStd", randAugment.MagnitudeStd, 0, 10);
            Range("augmentation.randAugment.probability", randAugment.Probability, 0, 1);
            if (a.TrivialAugment || a.Recipe is { TrivialAugmentWide: true })
            {
                Add("augmentation.randAugment", "randAugment and trivialAugment are alternatives; choose one.");
            }
        }

        if (a.TrivialAugment && a.Recipe is { RandAugment: not null })
        {
            Add("augmentation.trivialAugment", "the recipe already has randAugment; randAugment and trivialAugment are alternatives.");
        }

        if (a.RandomErasing is not { } erasing)
        {
            return;
        }

        Range("augmentation.randomErasing.probability", erasing.Probability, 0, 1);
        Range("augmentation.randomErasing.minArea", erasing.MinArea, 1e-6, 1, maxExclusive: true);
        Range("augmentation.randomErasing.maxArea", erasing.MaxArea, 1e-6, 1, maxExclusive: true);
        if (erasing.MinArea > erasing.MaxArea)
        {
            Add("augmentation.randomErasing.minArea", $"must not exceed maxArea ({erasing.MaxArea}); was {erasing.MinArea}.");
        }

        Range("augmentation.randomErasing.minAspect", erasing.MinAspect, 1e-3, 1e3);
        Range("augmentation.randomErasing.maxAspect", erasing.MaxAspect, 1e-3, 1e3);
        if (erasing.MinAspect > erasing.MaxAspect)
        {
            Add("augmentation.randomErasing.minAspect", $"must not exceed maxAspect ({erasing.MaxAspect}); was {erasing.MinAspect}.");
        }

        Range("augmentation.randomErasing.count", erasing.Count, 1, 16);
    }

    /// <summary>Architectures whose first layer inverts a fixed normalisation (resnet18_imagenet) need exactly it.</summary>
    private void CheckRequiredNormalization(AugmentationOptions a, TrainingConfig c)
    {
        if (!ArchitectureCatalog.Contains(c.Architecture) || ArchitectureCatalog.Describe(c.Architecture).RequiredNormalization is not { } required)
        {
            return;
        }

        var (mean, std, field) = a.Recipe is { } recipe
            ? (recipe.Mean, recipe.Std, "augmentation.recipe")
            : (a.Mean ?? required.Mean, a.Std ?? required.Std, "augmentation");
        static bool Same(float[] x, float[] y) => x.Length == y.Length && x.Zip(y).All(p => Math.Abs(p.First - p.Second) < 1e-6f);
        if (!Same(mean, required.Mean) || !Same(std, required.Std))
        {
            Add(field, $"{c.Architecture} is built for inputs normalised with mean [{string.Join(", ", required.Mean)}] and std "
                       + $"[{string.Join(", ", required.Std)}]; leave augmentation.mean/std unset or use those values.");
        }
    }

    private void CheckStatistics(string field, float[]? values, int channels, bool positive)
    {
        if (values is null)
        {
            return;
        }

        if (values.Length != channels)
        {
            Add(field, $"needs one value per input channel ({channels}), has {values.Length}.");
        }

        if (values.Any(v => !float.IsFinite(v) || (positive && v <= 0)))
        {
            Add(field, positive ? "every value must be positive and finite." : "every value must be finite.");
        }
    }

    private void CheckLoss(LossOptions l)
    {
        if (l.Kind != LossKind.Focal)
        {
            Range("loss.labelSmoothing", l.LabelSmoothing, 0, 1, maxExclusive: true);
            return;
        }

        Range("loss.gamma", l.Gamma, 0, 10);
        if (l.Alpha is { } alpha)
        {
            Range("loss.alpha", alpha, 1e-6, 1000);
        }

        if (l.ClassAlpha is { } classAlpha && (classAlpha.Length == 0 || classAlpha.Any(v => !double.IsFinite(v) || v <= 0)))
        {
            Add("loss.classAlpha", "needs one positive, finite weight per class.");
        }
    }

    private T? Present<T>(string field, T? value) where T : class
    {
        if (value is null)
        {
            Add(field, "must be given (omit the field to use the defaults, not null).");
        }

        return value;
    }

    private void Range(string field, double value, double min, double max, bool maxExclusive = false)
    {
        bool inside = double.IsFinite(value) && value >= min && (maxExclusive ? value < max : value <= max);
        if (!inside)
        {
            Add(field, $"must be in [{min}, {max}{(maxExclusive ? ")" : "]")}; was {value}.");
        }
    }

    private void Range(string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Add(field, $"must be between {min} and {max}; was {value}.");
        }
    }

    private void Add(string field, string message) => violations.Add(new ConfigViolation(field, message));
}
