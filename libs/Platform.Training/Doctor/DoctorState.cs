using Platform.Contracts.Runs;
using Platform.Training.Engine;

namespace Platform.Training.Doctor;

/// <summary>
/// What the training doctor remembers of a run's steps, kept in checkpoints so a resumed run's doctor judges the whole run,
/// not only the attempt: the recent gradient norms the spike rule compares with, the spikes and non-finite steps seen, the
/// step-level points, and the findings already raised (not raised again). Its epochs are the checkpoint's history.
/// </summary>
public sealed record DoctorState(
    IReadOnlyList<double> RecentNorms,
    IReadOnlyList<GradientSpike> Spikes,
    IReadOnlyList<long> NonFiniteSteps,
    IReadOnlyList<StepLogged> Logged,
    IReadOnlyList<RunFinding> Findings);
