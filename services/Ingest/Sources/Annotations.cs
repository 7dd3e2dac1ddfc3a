using System.Text.Json;
using System.Xml;
using Platform.Contracts.Naming;

namespace Platform.Ingest.Sources;

/// <summary>
/// Reads the annotation files of an upload: CSV (<see cref="CsvAnnotationReader"/>), JSON (<see cref="JsonAnnotationReader"/>)
/// and Pascal VOC XML as LabelImg writes it (one file per image; the image is <c>&lt;filename&gt;</c> beside the XML). A VOC image
/// with several objects is labelled by its largest object (bounding-box area), and the report says so. A row or item that cannot
/// be used is reported with where it is (line number, item index) and the rest of the file is kept. Paths are relative to the
/// annotation file; one that leaves the upload is rejected. Labels follow <see cref="ClassLabels"/>. XML with a DTD is refused
/// outright, so no entity can be expanded or fetched.
/// </summary>
public static class Annotations
{
    public static (IReadOnlyList<Annotation> Labels, IReadOnlyList<RejectedItem> Rejected, IReadOnlyList<string> Notes) Parse(AnnotationItem file)
    {
        var labels = new List<Annotation>();
        var rejected = new List<RejectedItem>();
        var notes = new List<string>();
        var extension = Path.GetExtension(file.Key).ToLowerInvariant();
        try
        {
            var entries = extension switch
            {
                ".csv" => CsvAnnotationReader.Read(file, rejected),
                ".json" => JsonAnnotationReader.Read(file, rejected),
                _ => ParseVoc(file, notes),
            };
            foreach (var (reference, rawLabel, origin) in entries)
            {
                var label = rawLabel.Trim();
                if (label.Length == 0)
                {
                    rejected.Add(new RejectedItem($"{file.Key}{origin}", "unlabelled", $"no label for '{ArchivePaths.ForDisplay(reference)}'"));
                }
                else if (ClassLabels.Problem(label) is { } problem)
                {
                    rejected.Add(new RejectedItem($"{file.Key}{origin}", "invalid-label", $"'{ArchivePaths.ForDisplay(label)}': {problem}"));
                }
                else if (ArchivePaths.Resolve(file.Key, reference) is { } path)
                {
                    labels.Add(new Annotation(path, label, file.Key + origin));
                }
                else
                {
                    rejected.Add(new RejectedItem($"{file.Key}{origin}", "annotation-path-escapes",
                        $"'{ArchivePaths.ForDisplay(reference)}' points outside the upload; only files inside it can be labelled"));
                }
            }
        }
        catch (XmlException exception) when (exception.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            rejected.Add(new RejectedItem(file.Key, "xml-dtd-forbidden", "XML with a DTD (and so with entities) is not read"));
        }
        catch (Exception exception) when (exception is XmlException or JsonException or FormatException or InvalidOperationException)
        {
            rejected.Add(new RejectedItem(file.Key, "unreadable-annotation", exception.Message));
        }
        return (labels, rejected, notes);
    }

    private static IEnumerable<(string Path, string Label, string Origin)> ParseVoc(AnnotationItem file, List<string> notes)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = 16 * 1024 * 1024,
        };
        using var reader = XmlReader.Create(new MemoryStream(file.Bytes), settings);
        var document = new XmlDocument { XmlResolver = null };
        document.Load(reader);
        var root = document.DocumentElement;
        if (root?.Name != "annotation")
        {
            throw new FormatException("not a Pascal VOC annotation (the root element must be <annotation>)");
        }
        var fileName = root.SelectSingleNode("filename")?.InnerText.Trim();
        if (string.IsNullOrEmpty(fileName))
        {
            throw new FormatException("the annotation names no <filename>");
        }
        var objects = root.SelectNodes("object")!.Cast<XmlNode>()
            .Select(node => (Name: node.SelectSingleNode("name")?.InnerText.Trim() ?? "", Area: BoxArea(node)))
            .Where(entry => entry.Name.Length > 0)
            .ToList();
        if (objects.Count == 0)
        {
            return [(fileName, "", "")];
        }
        var largest = objects.MaxBy(entry => entry.Area);
        if (objects.Select(entry => entry.Name).Distinct().Count() > 1)
        {
            notes.Add($"{file.Key}: {objects.Count} objects ({string.Join(", ", objects.Select(o => o.Name).Distinct())}); labelled '{largest.Name}', the largest");
        }
        return [(fileName, largest.Name, "")];
    }

    private static double BoxArea(XmlNode node)
    {
        double Read(string name) => double.TryParse(node.SelectSingleNode($"bndbox/{name}")?.InnerText,
            System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;
        return Math.Max(0, Read("xmax") - Read("xmin")) * Math.Max(0, Read("ymax") - Read("ymin"));
    }
}
