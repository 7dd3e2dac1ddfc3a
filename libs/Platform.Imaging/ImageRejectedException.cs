namespace Platform.Imaging;

/// <summary>An image that cannot or may not be decoded, with a machine-readable reason and a message a user can act on.</summary>
public sealed class ImageRejectedException(RejectionReason reason, string message) : Exception(message)
{
    public RejectionReason Reason { get; } = reason;
}
