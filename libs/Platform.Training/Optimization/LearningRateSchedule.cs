using Platform.Training.Configuration;

namespace Platform.Training.Optimization;

/// <summary>
/// The learning rate of every optimizer step, as a pure function of the step (0-based), so a resumed run gets the
/// same rates. Linear warm-up over W steps: lr·(s + 1)/W for s &lt; W. Then, with T total steps and
/// t = (s − W)/(T − W):
/// cosine: η_min + (lr − η_min)·(1 + cos πt)/2 (SGDR, Loshchilov &amp; Hutter 2017, without restarts); with tMax,
/// PyTorch's CosineAnnealingLR stepped once per epoch instead: η_min + (lr − η_min)·(1 + cos(π e / T_max))/2 with
/// e the epoch since warm-up (its closed form, so past T_max the rate rises again as PyTorch's does);
/// step: lr·γ^⌊epoch/stepSize⌋ with epoch = ⌊s / stepsPerEpoch⌋; constant: lr.
/// </summary>
public sealed class LearningRateSchedule
{
    private readonly ScheduleOptions options;

    public LearningRateSchedule(ScheduleOptions options, double baseLr, int epochs, int stepsPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepsPerEpoch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        this.options = options;
        BaseLr = baseLr;
        StepsPerEpoch = stepsPerEpoch;
        TotalSteps = (long)epochs * stepsPerEpoch;
        WarmupSteps = Math.Min(TotalSteps, options.WarmupSteps > 0 ? options.WarmupSteps : (long)options.WarmupEpochs * stepsPerEpoch);
    }

    public double BaseLr { get; }

    public long TotalSteps { get; }

    public long WarmupSteps { get; }

    public int StepsPerEpoch { get; }

    /// <summary>Learning rate for optimizer step <paramref name="step"/> (0-based); steps past the end keep the last value.</summary>
    public double LearningRate(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps)
        {
            return BaseLr * (step + 1) / WarmupSteps;
        }

        return options.Kind switch
        {
            ScheduleKind.Cosine => Cosine(Math.Min(step, TotalSteps - 1)),
            ScheduleKind.Step => BaseLr * Math.Pow(options.Gamma, step / StepsPerEpoch / options.StepSize),
            _ => BaseLr,
        };
    }

    private double Cosine(long step)
    {
        if (options.TMax is { } tMax)
        {
            long epoch = (step - WarmupSteps) / StepsPerEpoch;
            return options.EtaMin + (BaseLr - options.EtaMin) * (1 + Math.Cos(Math.PI * epoch / tMax)) / 2;
        }

        long annealingSteps = TotalSteps - WarmupSteps;
        if (annealingSteps <= 1)
        {
            return BaseLr;
        }

        // t runs from 0 at the first step after warm-up to 1 at the last step, which therefore trains at η_min.
        double t = (double)(step - WarmupSteps) / (annealingSteps - 1);
        return options.EtaMin + (BaseLr - options.EtaMin) * (1 + Math.Cos(Math.PI * t)) / 2;
    }
}
