namespace Platform.Imaging.Formats.Data.Cifar;

/// <summary>
/// A pickle that <see cref="SafePickleReader"/> will not read: <c>unsafe-pickle</c> (an opcode or global that could
/// run code), <c>pickle-too-deep</c> (nesting past the limit) or <c>corrupt-pickle</c> (malformed or truncated).
/// </summary>
public sealed class PickleRejectedException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
