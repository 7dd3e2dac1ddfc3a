using Platform.Contracts.Runs;
using Platform.Training.Configuration;
using Platform.Training.Doctor;
using Platform.Training.Engine;

namespace Platform.Training.Tests;

/// <summary>The doctor's detectors on recorded curves: each fires on the curve that shows its problem, and none on a healthy run's.</summary>
public sealed class TrainingDoctorTests
{
    private static readonly string[] TenClasses = [.. Enumerable.Range(0, 10).Select(i => $"c{i}")];

    private static EpochMetrics Epoch(int epoch, double trainLoss, double valLoss, double trainAccuracy = 0.80, double validationAccuracy = 0.78,
        IReadOnlyList<BlockFigures>? blocks = null, int skippedSteps = 0, double? lossScale = null) =>
        new(epoch, epoch * 10L, trainLoss, trainAccuracy, null, valLoss, validationAccuracy, null, 1e-3, 1.0, 2.0, 100, 1, 0.1, false, false,
            lossScale, skippedSteps, Blocks: blocks);

    private static TrainingDoctor Doctor(TrainingConfig? config = null, int[]? counts = null, string[]? classes = null) =>
        new(config ?? new TrainingConfig(), classes ?? TenClasses, counts ?? [.. Enumerable.Repeat(100, 10)]);

    private static readonly double[] Balanced = [.. Enumerable.Repeat(0.8, 10)];

    private static List<RunFinding> Feed(TrainingDoctor doctor, params EpochMetrics[] epochs) =>
        epochs.SelectMany(e => doctor.ObserveEpoch(e, Balanced)).ToList();

    [Fact]
    public void AHealthyRunsCurvesRaiseNoFinding()
    {
        var doctor = Doctor();
        var blocks = new[] { new BlockFigures("stem", 0.05, 3, 1e-3), new BlockFigures("layer1", 0.1, 5, 1e-3), new BlockFigures("head", 0.4, 2, 2e-3) };
        for (int step = 1; step <= 100; step++)
        {
            doctor.ObserveStep(step, 1 + 0.3 * Math.Sin(step));
        }
        var findings = Feed(doctor,
            Epoch(1, 1.2, 0.9, 0.6, 0.66, blocks), Epoch(2, 0.8, 0.7, 0.72, 0.74, blocks), Epoch(3, 0.6, 0.55, 0.79, 0.8, blocks),
            Epoch(4, 0.5, 0.5, 0.82, 0.82, blocks), Epoch(5, 0.45, 0.48, 0.84, 0.83, blocks));
        findings.AddRange(doctor.ObserveLogged(new StepLogged(50, 3, 0.6, 1e-3, 1.1, null)));
        Assert.Empty(findings);
        Assert.Empty(doctor.Findings);
    }

    [Fact]
    public void RisingValidationLossWhileTrainingLossFallsIsOverfittingWithWeightDecayFirst()
    {
        var doctor = Doctor();
        var findings = Feed(doctor, Epoch(1, 1.0, 0.9), Epoch(2, 0.8, 0.85), Epoch(3, 0.6, 0.9), Epoch(4, 0.4, 0.95), Epoch(5, 0.3, 1.0));
        var finding = Assert.Single(findings);
        Assert.Equal(FindingKinds.Overfitting, finding.Kind);
        Assert.Equal(FindingSeverities.Warning, finding.Severity);
        Assert.Equal(5, finding.Epoch);
        var evidence = Assert.Single(finding.Evidence, e => e.Metric == "val_loss");
        Assert.Equal((2, 5), (evidence.From, evidence.To));
        Assert.Equal(0.05, finding.Remedies[0].Changes["weightDecay"].GetDouble());
        Assert.Contains(finding.Remedies, r => r.Changes.ContainsKey("dropout"));
        Assert.Contains(finding.Remedies, r => r.Changes.ContainsKey("loss.labelSmoothing"));
        Assert.Contains(finding.Remedies, r => r.Changes.TryGetValue("earlyStopping", out var early) && early.GetProperty("metric").GetString() == "valLoss");
    }

    [Fact]
    public void ATrainValidationAccuracyGapAboveTheThresholdIsOverfitting()
    {
        var doctor = Doctor();
        Assert.Empty(Feed(doctor, Epoch(1, 0.5, 0.6, 0.95, 0.70)));
        var finding = Assert.Single(Feed(doctor, Epoch(2, 0.3, 0.6, 0.99, 0.72)));
        Assert.Equal(FindingKinds.Overfitting, finding.Kind);
        Assert.Equal(FindingSeverities.Info, finding.Severity);
    }

    [Fact]
    public void AFlatLossNearChanceIsUnderfittingWithATenTimesHigherLearningRate()
    {
        var doctor = Doctor(new TrainingConfig { Lr = 1e-6 });
        var findings = Feed(doctor, Epoch(1, 2.3031, 2.303, 0.1, 0.1), Epoch(2, 2.3029, 2.302, 0.1, 0.1), Epoch(3, 2.3026, 2.302, 0.1, 0.1),
            Epoch(4, 2.3024, 2.302, 0.11, 0.1));
        var finding = Assert.Single(findings);
        Assert.Equal(FindingKinds.Underfitting, finding.Kind);
        Assert.Equal(1e-5, finding.Remedies[0].Changes["lr"].GetDouble(), 12);
        // A converged model's loss is flat too, far below chance: not underfitting.
        Assert.Empty(Feed(Doctor(), Epoch(1, 0.101, 0.2), Epoch(2, 0.1005, 0.2), Epoch(3, 0.1003, 0.2), Epoch(4, 0.1001, 0.2)));
    }

    [Fact]
    public void ALossThatGrowsOrTurnsNonFiniteIsDivergence()
    {
        var doctor = Doctor(new TrainingConfig { Lr = 0.5 });
        Assert.Empty(doctor.ObserveLogged(new StepLogged(5, 1, 2.3, 0.5, 3, null)));
        Assert.Empty(doctor.ObserveLogged(new StepLogged(10, 1, 2.4, 0.5, 3, null)));
        var finding = Assert.Single(doctor.ObserveLogged(new StepLogged(15, 1, 9.5, 0.5, 3, null)));
        Assert.Equal(FindingKinds.Divergence, finding.Kind);
        Assert.Equal(FindingSeverities.Critical, finding.Severity);
        Assert.Equal(0.05, finding.Remedies[0].Changes["lr"].GetDouble(), 12);
        Assert.Equal(15, Assert.Single(finding.Evidence).To);
        var nonFinite = Assert.Single(doctor.ObserveLogged(new StepLogged(20, 1, double.NaN, 0.5, double.NaN, null)));
        Assert.Contains("non-finite", nonFinite.Summary);
    }

    [Fact]
    public void GradientNormSpikesAndNonFiniteStepsAreExplodingGradientsWithClippingFirst()
    {
        var doctor = Doctor();
        for (int step = 1; step <= 30; step++)
        {
            doctor.ObserveStep(step, 1.0 + 0.01 * (step % 3));
        }
        doctor.ObserveStep(31, 40);
        var spike = Assert.Single(doctor.ObserveLogged(new StepLogged(31, 1, 2.0, 1e-3, 40, null)));
        Assert.Equal(FindingKinds.ExplodingGradients, spike.Kind);
        Assert.Equal(FindingSeverities.Warning, spike.Severity);
        Assert.Equal(31, Assert.Single(spike.Evidence).From);
        Assert.Equal(1.0, spike.Remedies[0].Changes["gradientClipNorm"].GetDouble());

        doctor.ObserveStep(32, double.PositiveInfinity);
        var critical = Assert.Single(doctor.ObserveLogged(new StepLogged(32, 1, 2.0, 1e-3, double.PositiveInfinity, null)));
        Assert.Equal(FindingSeverities.Critical, critical.Severity);
    }

    [Fact]
    public void RepeatedLossScaleDropsUnderFp16SuggestBf16()
    {
        var doctor = Doctor(new TrainingConfig { Precision = NumericPrecision.Fp16, Device = DevicePreference.Auto });
        var finding = Assert.Single(Feed(doctor, Epoch(1, 1.0, 0.9, skippedSteps: 4, lossScale: 4096)));
        Assert.Equal(FindingKinds.ExplodingGradients, finding.Kind);
        Assert.Contains(finding.Remedies, r => r.Changes.TryGetValue("precision", out var precision) && precision.GetString() == "bf16");
    }

    [Fact]
    public void FirstBlocksGradientsOrdersOfMagnitudeBelowTheLastAreVanishing()
    {
        var doctor = Doctor(new TrainingConfig { ImageSize = 28 });
        var finding = Assert.Single(Feed(doctor, Epoch(1, 2.2, 2.2, 0.2, 0.2,
            [new BlockFigures("block1", 2e-6, 3, 1e-6), new BlockFigures("block2", 1e-4, 3, 1e-5), new BlockFigures("head", 0.1, 1, 1e-3)])));
        Assert.Equal(FindingKinds.VanishingGradients, finding.Kind);
        Assert.Equal("resnet18_small", finding.Remedies[0].Changes["architecture"].GetString());
        Assert.Equal("block_grad_norm.block1", finding.Evidence[0].Metric);
        // Frozen blocks (no gradient) are not compared.
        Assert.Empty(Feed(Doctor(), Epoch(1, 1, 1, blocks: [new BlockFigures("stem", null, 3, null), new BlockFigures("head", 0.1, 1, 1e-3)])));
    }

    [Fact]
    public void ASkewedDatasetWithASpreadOfRecallIsClassImbalance()
    {
        string[] classes = ["big", "small"];
        var doctor = Doctor(counts: [400, 40], classes: classes);
        var finding = Assert.Single(doctor.ObserveEpoch(Epoch(1, 0.4, 0.4, 0.9, 0.88), [0.98, 0.35]));
        Assert.Equal(FindingKinds.ClassImbalance, finding.Kind);
        Assert.Equal("weightedCrossEntropy", finding.Remedies[0].Changes["loss.kind"].GetString());
        Assert.Contains(finding.Remedies, r => r.Changes.TryGetValue("sampler", out var sampler) && sampler.GetString() == "classBalanced");
        Assert.Equal([400.0, 40.0], finding.Evidence[0].Values);
        // Balanced classes with the same spread are not imbalance; nor is a skew the model already handles.
        Assert.Empty(Doctor(counts: [200, 200], classes: classes).ObserveEpoch(Epoch(1, 0.4, 0.4), [0.98, 0.35]));
        Assert.Empty(Doctor(counts: [400, 40], classes: classes).ObserveEpoch(Epoch(1, 0.4, 0.4), [0.9, 0.85]));
    }

    [Fact]
    public void TheDoctorSwitchedOffReportsNothing()
    {
        var doctor = Doctor(new TrainingConfig { Doctor = new DoctorOptions(Enabled: false) });
        Assert.Empty(doctor.ObserveLogged(new StepLogged(20, 1, double.NaN, 0.5, double.NaN, null)));
    }
}
