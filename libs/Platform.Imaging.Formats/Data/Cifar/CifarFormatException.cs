namespace Platform.Imaging.Formats.Data.Cifar;

/// <summary>
/// CIFAR content that does not match the published layout. <see cref="Reason"/> is one of <c>truncated-batch</c>,
/// <c>label-out-of-range</c>, <c>meta-mismatch</c> or <c>not-a-cifar-batch</c>.
/// </summary>
public sealed class CifarFormatException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
