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
            // Read under the upload's part names: the IDX reader's messages name the file, and the server's copy lives in its work folder.
            using var images = File.OpenRead(imagesFile);
            using var labels = File.OpenRead(labelsFile);
            return dataset = IdxDataset.Read(images, labels, classNames, "the 'images' part", "the 'labels' part");
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException or ArgumentException)
        {
            throw new UploadRejectedException("invalid-idx", $"The IDX files cannot be read: {exception.Message}");
        }
    }

    public void Dispose()
    {
    }
}
