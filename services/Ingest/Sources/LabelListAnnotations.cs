using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Platform.Imaging.Data;

namespace Platform.Ingest.Sources;

/// <summary>
/// Plain-text label lists as ImageNet's validation labels come: one label per line, line n labelling the image whose
/// name ends in <c>_n</c> (<c>ILSVRC2012_val_00000001.JPEG</c> is line 1 of
/// <c>imagenet_2012_validation_synset_labels.txt</c>), for the images in the list's folder and below — only in a file
/// whose name says it holds labels (<c>label</c>, <c>synset</c> or <c>ground_truth</c> in it), so a stray one-word
/// note never relabels an upload; or <c>path label</c> per line (whitespace-separated, the path relative to the list).
/// </summary>
public static partial class LabelListAnnotations
{
    /// <summary>True when every non-empty line is one label, or an image path and a label.</summary>
    public static bool IsLabelList(AnnotationItem file)
    {
        var lines = Lines(file);
        return lines.Count > 0 && ((LabelFileName().IsMatch(Path.GetFileName(file.Key)) && lines.All(fields => fields.Length == 1 && Label().IsMatch(fields[0])))
            || lines.All(fields => fields.Length == 2 && FolderDataset.ImageExtensions.Contains(Path.GetExtension(fields[0]).ToLowerInvariant())));
    }

    public static (IReadOnlyList<Annotation> Labels, IReadOnlyList<RejectedItem> Rejected, IReadOnlyList<string> Notes) Parse(
        AnnotationItem file, ImagePathIndex images)
    {
        var lines = Lines(file);
        var labels = new List<Annotation>();
        var rejected = new List<RejectedItem>();
        if (lines.All(fields => fields.Length == 2))
        {
            var number = 0;
            foreach (var fields in lines)
            {
                number++;
                if (images.Resolve(file.Key, fields[0]) is { } path)
                {
                    labels.Add(new Annotation(path, fields[1], $"{file.Key}:{number}"));
                }
                else
                {
                    rejected.Add(new RejectedItem($"{file.Key}:{number}", "annotation-path-escapes",
                        $"'{fields[0]}' points outside the upload; only files inside it can be labelled"));
                }
            }
            return (labels, rejected, []);
        }
        var folder = file.Key.Contains('/') ? file.Key[..(file.Key.LastIndexOf('/') + 1)] : "";
        foreach (var image in images.Paths.Where(path => path.StartsWith(folder, StringComparison.Ordinal)))
        {
            var match = NumberedName().Match(Path.GetFileNameWithoutExtension(image));
            if (match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var line)
                && line >= 1 && line <= lines.Count)
            {
                labels.Add(new Annotation(image, lines[line - 1][0], $"{file.Key}:{line}"));
            }
        }
        return (labels, rejected, []);
    }

    private static List<string[]> Lines(AnnotationItem file) =>
        Encoding.UTF8.GetString(file.Bytes).Split('\n')
            .Select(line => line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 0)
            .ToList();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex Label();

    [GeneratedRegex("label|synset|ground_truth", RegexOptions.IgnoreCase)]
    private static partial Regex LabelFileName();

    [GeneratedRegex(@"_0*([1-9][0-9]*)$")]
    private static partial Regex NumberedName();
}
