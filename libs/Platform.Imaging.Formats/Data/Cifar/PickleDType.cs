namespace Platform.Imaging.Formats.Data.Cifar;

/// <summary>
/// A numpy dtype as a pickle names it (<c>numpy.dtype('u1', 0, 1)</c>, then its state with the byte order).
/// Mutable because the pickle memoises the dtype before its state is applied.
/// </summary>
public sealed class PickleDType(string name)
{
    public string Name { get; } = name;

    /// <summary><c>|</c> (not applicable), <c>&lt;</c> little-endian or <c>&gt;</c> big-endian.</summary>
    public string ByteOrder { get; internal set; } = "|";

    /// <summary>Bytes per element for the numeric kinds (<c>u1</c> → 1, <c>f4</c> → 4); 0 for anything else.</summary>
    public int ItemSize => Name.Length >= 2 && Name[0] is 'u' or 'i' or 'f' or 'b' && int.TryParse(Name.AsSpan(1), out var size) ? size : 0;
}
