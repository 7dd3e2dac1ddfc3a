namespace Platform.Training.Configuration;

/// <summary>Which weights a finished run exports and registers.</summary>
public enum ExportWeights
{
    /// <summary>The weights of the epoch with the best checkpoint metric (raw or EMA, whichever scored better).</summary>
    Best,

    /// <summary>The raw weights after the last epoch.</summary>
    Last,

    /// <summary>The EMA weights after the last epoch (needs <c>ema</c>).</summary>
    Ema,
}
