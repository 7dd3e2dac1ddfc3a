namespace Platform.Training.Engine;

public sealed record RunCompleted(FinalReport Report) : TrainingEvent;
