using Platform.Training.Configuration;
using Platform.Training.Optimization;

namespace Platform.Training.Tests;

public sealed class ScheduleTests
{
    [Fact]
    public void WarmupRisesLinearlyToTheBaseRate()
    {
        // 2 warm-up epochs of 5 steps: lr·(s + 1)/10.
        var schedule = new LearningRateSchedule(new ScheduleOptions(WarmupEpochs: 2), 0.1, epochs: 10, stepsPerEpoch: 5);

        Assert.Equal(0.01, schedule.LearningRate(0), 12);
        Assert.Equal(0.05, schedule.LearningRate(4), 12);
        Assert.Equal(0.10, schedule.LearningRate(9), 12);
    }

    [Fact]
    public void CosineFollowsTheFormulaAfterWarmup()
    {
        // T = 111 steps, W = 10, η_min = 0.001: t = (s − 10)/100, lr = η_min + (0.1 − η_min)(1 + cos πt)/2.
        // s = 10: t = 0 → 0.1; s = 60: t = ½ → 0.0505; s = 35: t = ¼ → 0.001 + 0.099·(1 + √½)/2 = 0.085502;
        // s = 110 (the last step): t = 1 → η_min.
        var schedule = new LearningRateSchedule(new ScheduleOptions(ScheduleKind.Cosine, WarmupSteps: 10, EtaMin: 0.001), 0.1, epochs: 1, stepsPerEpoch: 111);

        Assert.Equal(0.1, schedule.LearningRate(10), 12);
        Assert.Equal(0.0505, schedule.LearningRate(60), 12);
        Assert.Equal(0.001 + 0.099 * (1 + Math.Sqrt(0.5)) / 2, schedule.LearningRate(35), 12);
        Assert.Equal(0.085502, schedule.LearningRate(35), 6);
        Assert.Equal(0.001, schedule.LearningRate(110), 12);
        Assert.Equal(0.001, schedule.LearningRate(500), 12);
    }

    [Fact]
    public void CosineWithTMaxIsPyTorchsCosineAnnealingLrSteppedOncePerEpoch()
    {
        // The guide: lr 1e-4, CosineAnnealingLR(T_max=50, eta_min=1e-6), scheduler.step() after each epoch. Epoch e trains at
        // 1e-6 + 99e-6·(1 + cos(π e/50))/2: e = 0 → 1e-4; e = 10 → 1e-6 + 99e-6·(1 + cos 36°)/2 = 9.054634e-5; e = 25 → 5.05e-5;
        // e = 50 → 1e-6; e = 60 → back up to 1e-6 + 99e-6·(1 + cos 216°)/2 = 1.045366e-5, as at e = 40 (the closed form PyTorch follows past T_max).
        var schedule = new LearningRateSchedule(new ScheduleOptions(ScheduleKind.Cosine, EtaMin: 1e-6, TMax: 50), 1e-4, epochs: 70, stepsPerEpoch: 3);

        Assert.Equal(1e-4, schedule.LearningRate(0), 15);
        Assert.Equal(1e-4, schedule.LearningRate(2), 15);
        Assert.Equal(9.054634e-5, schedule.LearningRate(10 * 3), 11);
        Assert.Equal(9.054634e-5, schedule.LearningRate(10 * 3 + 2), 11);
        Assert.Equal(5.05e-5, schedule.LearningRate(25 * 3 + 1), 15);
        Assert.Equal(1e-6, schedule.LearningRate(50 * 3), 15);
        Assert.Equal(1.045366e-5, schedule.LearningRate(60 * 3), 11);
        Assert.Equal(schedule.LearningRate(40 * 3), schedule.LearningRate(60 * 3), 15);
    }

    [Fact]
    public void TMaxIsCheckedAndBelongsToTheCosineScheduleOnly()
    {
        var zero = new TrainingConfig { Schedule = new ScheduleOptions(TMax: 0) }.Validate();
        var onStep = new TrainingConfig { Schedule = new ScheduleOptions(ScheduleKind.Step, TMax: 5) }.Validate();

        Assert.Contains(zero, v => v.Field == "schedule.tMax");
        Assert.Contains(onStep, v => v.Field == "schedule.tMax");
        Assert.Empty(new TrainingConfig { Schedule = new ScheduleOptions(TMax: 50, EtaMin: 1e-6) }.Validate());
    }

    [Fact]
    public void StepScheduleDecaysEveryStepSizeEpochs()
    {
        // stepsPerEpoch = 4, stepSize = 3 epochs, γ = 0.5: epochs 0–2 at lr, 3–5 at lr/2, 6–8 at lr/4.
        var schedule = new LearningRateSchedule(new ScheduleOptions(ScheduleKind.Step, StepSize: 3, Gamma: 0.5), 0.2, epochs: 9, stepsPerEpoch: 4);

        Assert.Equal(0.2, schedule.LearningRate(11), 12);
        Assert.Equal(0.1, schedule.LearningRate(12), 12);
        Assert.Equal(0.05, schedule.LearningRate(35), 12);
    }

    [Fact]
    public void ConstantScheduleKeepsTheRateAfterWarmup()
    {
        var schedule = new LearningRateSchedule(new ScheduleOptions(ScheduleKind.Constant, WarmupSteps: 4), 0.3, epochs: 2, stepsPerEpoch: 10);

        Assert.Equal(0.15, schedule.LearningRate(1), 12);
        Assert.Equal(0.3, schedule.LearningRate(4), 12);
        Assert.Equal(0.3, schedule.LearningRate(19), 12);
    }
}
