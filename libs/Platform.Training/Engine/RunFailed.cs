namespace Platform.Training.Engine;

public sealed record RunFailed(string Error, string ExceptionType) : TrainingEvent;
