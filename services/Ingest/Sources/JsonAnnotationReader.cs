using System.Text.Json;

namespace Platform.Ingest.Sources;

/// <summary>
/// Reads a JSON annotation file in one of the layouts listed in <see cref="Layouts"/>; which one is decided by the document's
/// shape. An item that cannot be used is reported on its own (by its index) and the others are kept; a document of another shape
/// is reported as such, naming the layouts that are understood.
/// </summary>
public static class JsonAnnotationReader
{
    /// <summary>The layouts understood (with the detection formats <see cref="DetectionAnnotations"/> reads first), as the report names them.</summary>
    public static readonly IReadOnlyList<string> Layouts =
    [
        "COCO instances ({\"images\", \"annotations\", \"categories\"})",
        "CreateML ([{\"image\": …, \"annotations\": [{\"label\": …, \"coordinates\": …}]}])",
        "an array of {\"path\": …, \"label\": …} objects",
        "an object mapping each path to its label",
        "{\"classes\": [names…], \"images\": [{\"path\": …, \"label\": name or index into classes}]}",
    ];

    private static readonly string[] PathProperties = ["path", "file", "filename", "file_name", "image"];
    private static readonly string[] LabelProperties = ["label", "class", "category"];

    public static IReadOnlyList<(string Path, string Label, string Origin)> Read(AnnotationItem file, List<RejectedItem> rejected)
    {
        using var document = JsonDocument.Parse(file.Bytes, new JsonDocumentOptions { MaxDepth = 16 });
        var root = document.RootElement;
        var rows = new List<(string, string, string)>();
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                ReadItems(file, root, null, "", rows, rejected);
                break;
            case JsonValueKind.Object when root.TryGetProperty("images", out var images) && images.ValueKind == JsonValueKind.Array
                                           && !root.TryGetProperty("annotations", out _):
                List<string>? classes = null;
                if (root.TryGetProperty("classes", out var classList))
                {
                    if (classList.ValueKind != JsonValueKind.Array || classList.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
                    {
                        rejected.Add(new RejectedItem(file.Key, "unreadable-annotation", "\"classes\" must be an array of class names"));
                        return rows;
                    }
                    classes = [.. classList.EnumerateArray().Select(c => c.GetString()!)];
                }
                ReadItems(file, images, classes, "images", rows, rejected);
                break;
            case JsonValueKind.Object when root.EnumerateObject().All(property => property.Value.ValueKind == JsonValueKind.String):
                foreach (var property in root.EnumerateObject())
                {
                    rows.Add((property.Name, property.Value.GetString()!, $"#{property.Name}"));
                }
                break;
            default:
                rejected.Add(new RejectedItem(file.Key, "unrecognised-annotation-layout",
                    $"this JSON layout is not one that is understood; the layouts understood are: {string.Join("; ", Layouts)}"));
                break;
        }
        return rows;
    }

    private static void ReadItems(AnnotationItem file, JsonElement items, List<string>? classes, string arrayName,
        List<(string, string, string)> rows, List<RejectedItem> rejected)
    {
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var origin = $"{(arrayName.Length > 0 ? "#" + arrayName : "")}[{index++}]";
            string? path = null, label = null, problem = null;
            if (item.ValueKind != JsonValueKind.Object)
            {
                problem = "the item is not an object";
            }
            else
            {
                foreach (var property in item.EnumerateObject())
                {
                    var name = property.Name.ToLowerInvariant();
                    if (PathProperties.Contains(name) && property.Value.ValueKind == JsonValueKind.String)
                    {
                        path = property.Value.GetString();
                    }
                    else if (LabelProperties.Contains(name))
                    {
                        (label, problem) = LabelOf(property.Value, classes);
                    }
                }
                problem ??= path is null ? "the item has no \"path\" string" : null;
            }
            if (problem is not null)
            {
                rejected.Add(new RejectedItem(file.Key + origin, "bad-annotation-row", problem));
                continue;
            }
            rows.Add((path!, label ?? "", origin));
        }
    }

    private static (string? Label, string? Problem) LabelOf(JsonElement value, List<string>? classes) => value.ValueKind switch
    {
        JsonValueKind.String when classes is not null && !classes.Contains(value.GetString()!) =>
            (null, $"the label '{value.GetString()}' is not one of the file's \"classes\""),
        JsonValueKind.String => (value.GetString(), null),
        JsonValueKind.Number when classes is null => (null, "a numeric label needs the file's \"classes\" list to name it"),
        JsonValueKind.Number when value.TryGetInt32(out var index) && index >= 0 && index < classes!.Count => (classes[index], null),
        JsonValueKind.Number => (null, $"the label index {value.GetRawText()} is outside the file's {classes!.Count} \"classes\""),
        _ => (null, "the label is neither a name nor a class index"),
    };
}
