namespace Platform.Imaging.Formats.Data;

/// <summary>Random-access labelled images. Implementations must allow concurrent <see cref="Load"/> calls.</summary>
public interface ILabeledImageSource
{
    int Count { get; }

    /// <summary>Class names; a label is an index into this list.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>The label of one sample, without decoding it.</summary>
    int GetLabel(int index);

    /// <summary>The decoded image, orientation applied.</summary>
    ImageBuffer Load(int index);
}
