namespace Platform.Otlp;

/// <summary>
/// One data point. Gauges and sums carry <see cref="Value"/>; histograms carry <see cref="Count"/>, <see cref="Sum"/> and, for
/// explicit-bucket histograms, <see cref="ExplicitBounds"/> and <see cref="BucketCounts"/> (one more count than bounds).
/// Exponential histograms and summaries are recognised by kind but their points are not read.
/// </summary>
public sealed record OtlpDataPoint(IReadOnlyDictionary<string, object?> Attributes, double? Value, ulong? Count, double? Sum,
    IReadOnlyList<double> ExplicitBounds, IReadOnlyList<ulong> BucketCounts)
{
    public string? Attribute(string key) => OtlpAttributes.Text(Attributes, key);
}
