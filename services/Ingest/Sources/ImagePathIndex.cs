namespace Platform.Ingest.Sources;

/// <summary>
/// The image paths of an upload, for annotation formats that name images loosely: a reference is resolved relative
/// to the annotation file first, and when no image is there, by its file name alone if exactly one image in the
/// upload has it (LabelImg saves VOC/YOLO/CreateML files in a folder of their own; COCO's <c>file_name</c> is bare).
/// </summary>
public sealed class ImagePathIndex
{
    private readonly HashSet<string> paths;
    private readonly Dictionary<string, List<string>> byFileName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> byStem = new(StringComparer.Ordinal);

    public ImagePathIndex(IEnumerable<string> imagePaths)
    {
        paths = imagePaths.ToHashSet(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            Add(byFileName, Path.GetFileName(path), path);
            Add(byStem, StemOf(path), path);
        }
    }

    public bool Contains(string path) => paths.Contains(path);

    public IEnumerable<string> Paths => paths;

    /// <summary>The image <paramref name="reference"/> names, or the path it would have (to report as missing); null when it leaves the upload.</summary>
    public string? Resolve(string fromFile, string reference)
    {
        var relative = ArchivePaths.Resolve(fromFile, reference);
        if (relative is null || paths.Contains(relative))
        {
            return relative;
        }
        return byFileName.TryGetValue(Path.GetFileName(relative), out var matches) && matches.Count == 1 ? matches[0] : relative;
    }

    /// <summary>The path itself when it is an image of the upload, else the one image with its file name, else the path.</summary>
    public string Relocate(string path) =>
        paths.Contains(path) || !byFileName.TryGetValue(Path.GetFileName(path), out var matches) || matches.Count != 1 ? path : matches[0];

    /// <summary>
    /// The image a YOLO label file belongs to: same folder and stem, else the one image in the upload with that stem.
    /// </summary>
    public string? ImageForLabelFile(string labelFile)
    {
        var folder = labelFile.Contains('/') ? labelFile[..(labelFile.LastIndexOf('/') + 1)] : "";
        if (!byStem.TryGetValue(StemOf(labelFile), out var matches))
        {
            return null;
        }
        var beside = matches.Where(path => path.StartsWith(folder, StringComparison.Ordinal) && !path[folder.Length..].Contains('/')).ToList();
        return beside.Count == 1 ? beside[0] : matches.Count == 1 ? matches[0] : null;
    }

    private static string StemOf(string path) => Path.GetFileNameWithoutExtension(Path.GetFileName(path));

    private static void Add(Dictionary<string, List<string>> index, string key, string path)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }
        list.Add(path);
    }
}
