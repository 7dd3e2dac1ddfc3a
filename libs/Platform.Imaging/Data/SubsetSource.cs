using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;
namespace Platform.Imaging.Data;

/// <summary>A view of some samples of another source, in the given order (splits, test subsets).</summary>
public sealed class SubsetSource : ILabeledImageSource
{
    private readonly ILabeledImageSource _source;
    private readonly int[] _indices;

    public SubsetSource(ILabeledImageSource source, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(indices);
        foreach (var index in indices)
        {
            if ((uint)index >= (uint)source.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"The source has {source.Count} samples.");
            }
        }

        _source = source;
        _indices = [.. indices];
    }

    public int Count => _indices.Length;

    public IReadOnlyList<string> Classes => _source.Classes;

    /// <summary>The index in the underlying source of this subset's sample <paramref name="index"/>.</summary>
    public int SourceIndex(int index) => _indices[index];

    public int GetLabel(int index) => _source.GetLabel(_indices[index]);

    public ImageBuffer Load(int index) => _source.Load(_indices[index]);
}
