using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;
namespace Platform.Imaging.Data;

/// <summary>
/// A folder-per-class tree: each immediate subfolder of the root is a class (ordinal name order), and its image
/// files (by extension, ordinal order) are the samples. Other files and nested folders are listed in
/// <see cref="SkippedFiles"/> rather than ignored silently.
/// </summary>
public sealed class FolderDataset : ILabeledImageSource
{
    public static IReadOnlySet<string> ImageExtensions => AcceptedImages.Extensions;

    private readonly string[] _files;
    private readonly int[] _labels;
    private readonly DecodeOptions _decodeOptions;

    private FolderDataset(string root, string[] classes, string[] files, int[] labels, string[] skipped, DecodeOptions decodeOptions)
    {
        Root = root;
        Classes = classes;
        _files = files;
        _labels = labels;
        SkippedFiles = skipped;
        _decodeOptions = decodeOptions;
    }

    public string Root { get; }

    public int Count => _files.Length;

    public IReadOnlyList<string> Classes { get; }

    /// <summary>
    /// Entries inside the class folders that are not samples, relative to the root: files without an image extension,
    /// and nested folders (ending with a separator), which are not searched.
    /// </summary>
    public IReadOnlyList<string> SkippedFiles { get; }

    /// <summary>Scans the tree; decoding happens on <see cref="Load"/>.</summary>
    public static FolderDataset Open(string root, DecodeOptions? decodeOptions = null)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The dataset folder {root} does not exist.");
        }

        var classFolders = Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToArray();
        if (classFolders.Length == 0)
        {
            throw new InvalidDataException($"{root} has no class subfolders (expected <root>/<class>/<image files>).");
        }

        var files = new List<string>();
        var labels = new List<int>();
        var skipped = new List<string>();
        for (var label = 0; label < classFolders.Length; label++)
        {
            skipped.AddRange(Directory.GetDirectories(classFolders[label]).Order(StringComparer.Ordinal)
                .Select(folder => Path.GetRelativePath(root, folder) + Path.DirectorySeparatorChar));
            foreach (var file in Directory.GetFiles(classFolders[label]).Order(StringComparer.Ordinal))
            {
                if (ImageExtensions.Contains(Path.GetExtension(file)))
                {
                    files.Add(file);
                    labels.Add(label);
                }
                else
                {
                    skipped.Add(Path.GetRelativePath(root, file));
                }
            }
        }

        return new FolderDataset(root, [.. classFolders.Select(Path.GetFileName).Select(name => name!)], [.. files], [.. labels],
            [.. skipped], (decodeOptions ?? DecodeOptions.Default).Validated());
    }

    public string FilePath(int index) => _files[index];

    public int GetLabel(int index) => _labels[index];

    /// <summary>Decodes the file; a bad file raises <see cref="ImageRejectedException"/> naming the file.</summary>
    public ImageBuffer Load(int index)
    {
        try
        {
            using var file = File.OpenRead(_files[index]);
            return ImageDecoder.Decode(file, _decodeOptions);
        }
        catch (ImageRejectedException rejected)
        {
            throw new ImageRejectedException(rejected.Reason, $"{Path.GetRelativePath(Root, _files[index])}: {rejected.Message}");
        }
    }
}
