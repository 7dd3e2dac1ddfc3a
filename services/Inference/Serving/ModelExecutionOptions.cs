namespace Platform.Inference.Serving;

/// <summary>One model's overrides of the service-wide execution settings; unset ones take the service's.</summary>
public sealed class ModelExecutionOptions
{
    public int? ConcurrentBatches { get; set; }

    public int? IntraOpThreads { get; set; }
}
