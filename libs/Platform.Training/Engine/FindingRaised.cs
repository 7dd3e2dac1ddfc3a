using Platform.Contracts.Runs;

namespace Platform.Training.Engine;

/// <summary>The training doctor found something new, or new evidence for an earlier finding of the same id.</summary>
public sealed record FindingRaised(RunFinding Finding) : TrainingEvent;
