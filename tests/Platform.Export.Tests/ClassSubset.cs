using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;

namespace Platform.Export.Tests;

/// <summary>Some images of a few classes of a larger source, with the classes renumbered 0…k−1 in the given order.</summary>
internal sealed class ClassSubset : ILabeledImageSource
{
    private readonly ILabeledImageSource source;
    private readonly int[] indices;
    private readonly Dictionary<int, int> labelMap;

    public ClassSubset(ILabeledImageSource source, IReadOnlyList<int> indices, IReadOnlyList<string> classes)
    {
        this.source = source;
        this.indices = indices.ToArray();
        Classes = classes.ToArray();
        labelMap = classes.Select((name, label) => (Source: source.Classes.ToList().IndexOf(name), label))
            .ToDictionary(pair => pair.Source, pair => pair.label);
    }

    public int Count => indices.Length;

    public IReadOnlyList<string> Classes { get; }

    public int GetLabel(int index) => labelMap[source.GetLabel(indices[index])];

    public ImageBuffer Load(int index) => source.Load(indices[index]);
}
