using Platform.Imaging.Formats.Data;

namespace Platform.Ingest.Sources;

/// <summary>
/// An IDX image file and its label file (MNIST / Fashion-MNIST layout, gzip or raw). Labels are class indices;
/// <paramref name="classNames"/> names them in order, else they are named by their decimal value.
/// </summary>
public sealed class IdxSource(string imagesFile, string labelsFile, IReadOnlyList<string>? classNames) : IIngestSource
{
    private IdxDataset? dataset;

    public string Description => $"IDX files '{Path.GetFileName(imagesFile)}' + '{Path.GetFileName(labelsFile)}'";

    public int NaturalChannels => 1;

    public IEnumerable<SourceItem> Read(CancellationToken cancellationToken)
    {
        var idx = Open();
        for (var index = 0; index < idx.Count; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new DecodedImageItem($"images[{index}]", idx.Load(index), idx.Classes[idx.GetLabel(index)]);
        }
    }

    private IdxDataset Open()
    {
        if (dataset is not null)
        {
            return dataset;
        }
        try
        {
            return dataset = IdxDataset.Open(imagesFile, labelsFile, classNames);
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException or IOException or ArgumentException)
        {
            throw new UploadRejectedException("invalid-idx", $"The IDX files cannot be read: {exception.Message}");
        }
    }

    public void Dispose()
    {
    }
}
