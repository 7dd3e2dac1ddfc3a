namespace Platform.Sweeps;

/// <summary>How a sweep chooses its trials' parameters.</summary>
public enum SearchMethodKind
{
    /// <summary>Every combination of the parameters' grid points, in order (the last parameter varies fastest).</summary>
    Grid,

    /// <summary>Independent draws from each parameter's prior.</summary>
    Random,

    /// <summary>The Tree-structured Parzen Estimator (Bergstra et al. 2011), after a few random trials.</summary>
    Tpe,
}
