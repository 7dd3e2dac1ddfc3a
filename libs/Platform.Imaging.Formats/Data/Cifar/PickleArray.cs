namespace Platform.Imaging.Formats.Data.Cifar;

/// <summary>
/// A numpy ndarray as a pickle describes it (shape, dtype and raw C-order bytes), built by
/// <see cref="SafePickleReader"/> from the data alone: numpy is never imported, nothing is called.
/// </summary>
public sealed class PickleArray
{
    public IReadOnlyList<long> Shape { get; internal set; } = [0];

    /// <summary>numpy's type string without the byte order, as in <c>u1</c> or <c>i8</c>.</summary>
    public string DType { get; internal set; } = "";

    public byte[] Data { get; internal set; } = [];

    public bool IsFortranOrder { get; internal set; }
}
