namespace Platform.Sweeps;

/// <summary>How a parameter's values are drawn.</summary>
public enum DomainKind
{
    /// <summary>One of a list of values, each equally likely.</summary>
    Values,

    /// <summary>A real number, uniformly between min and max.</summary>
    Uniform,

    /// <summary>A positive real number whose logarithm is uniform between log(min) and log(max): learning rates, weight decay.</summary>
    LogUniform,

    /// <summary>An integer between min and max, both included.</summary>
    IntUniform,
}
