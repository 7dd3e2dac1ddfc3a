using System.Text;
using System.Text.Json;
using System.Xml;

namespace Platform.Ingest.Sources;

/// <summary>
/// Reads the annotation files of an upload: CSV (<c>path,label</c>, optional header), JSON (an array of
/// <c>{"path": …, "label": …}</c> or an object mapping path to label) and Pascal VOC XML as LabelImg writes
/// it (one file per image; the image is <c>&lt;filename&gt;</c> beside the XML). A VOC image with several
/// objects is labelled by its largest object (bounding-box area), and the report says so. Paths are
/// relative to the annotation file; one that leaves the upload is rejected. XML with a DTD is refused
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
                ".csv" => ParseCsv(file.Bytes),
                ".json" => ParseJson(file.Bytes),
                _ => ParseVoc(file, notes),
            };
            foreach (var (reference, label, origin) in entries)
            {
                if (string.IsNullOrWhiteSpace(label))
                {
                    rejected.Add(new RejectedItem($"{file.Key}{origin}", "unlabelled", $"no label for '{reference}'"));
                }
                else if (ArchivePaths.Resolve(file.Key, reference) is { } path)
                {
                    labels.Add(new Annotation(path, label.Trim(), file.Key + origin));
                }
                else
                {
                    rejected.Add(new RejectedItem($"{file.Key}{origin}", "annotation-path-escapes",
                        $"'{reference}' points outside the upload; only files inside it can be labelled"));
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

    private static IEnumerable<(string Path, string Label, string Origin)> ParseCsv(byte[] bytes)
    {
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        var result = new List<(string, string, string)>();
        for (var number = 0; number < lines.Length; number++)
        {
            var line = lines[number].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            var fields = SplitCsvLine(line);
            if (fields.Count < 2)
            {
                throw new FormatException($"line {number + 1} has no 'path,label' pair");
            }
            if (number == 0 && fields[0].Trim().ToLowerInvariant() is "path" or "file" or "filename" or "image")
            {
                continue;
            }
            result.Add((fields[0].Trim(), fields[1], $":{number + 1}"));
        }
        return result;
    }

    private static List<string> SplitCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
        fields.Add(field.ToString());
        return fields;
    }

    private static IEnumerable<(string Path, string Label, string Origin)> ParseJson(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        var result = new List<(string, string, string)>();
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in root.EnumerateObject())
            {
                result.Add((property.Name, property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : "", $"#{property.Name}"));
            }
            return result;
        }
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("a JSON annotation file is an array of {\"path\", \"label\"} objects or an object mapping path to label");
        }
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            string? path = null, label = null;
            if (item.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in item.EnumerateObject())
                {
                    switch (property.Name.ToLowerInvariant())
                    {
                        case "path" or "file" or "filename" or "image" when property.Value.ValueKind == JsonValueKind.String:
                            path = property.Value.GetString();
                            break;
                        case "label" or "class" or "category" when property.Value.ValueKind == JsonValueKind.String:
                            label = property.Value.GetString();
                            break;
                    }
                }
            }
            if (path is null)
            {
                throw new FormatException($"item {index} has no \"path\"");
            }
            result.Add((path, label ?? "", $"[{index}]"));
            index++;
        }
        return result;
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
