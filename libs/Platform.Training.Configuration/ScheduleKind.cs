namespace Platform.Training.Configuration;

public enum ScheduleKind
{
    /// <summary>Cosine annealing from lr to EtaMin over the steps after warm-up.</summary>
    Cosine,

    /// <summary>lr × Gamma^⌊epoch / StepSize⌋.</summary>
    Step,

    /// <summary>lr throughout (after warm-up).</summary>
    Constant,
}
