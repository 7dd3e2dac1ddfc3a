using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Platform.Ingest.Sources;

/// <summary>
/// The object-detection formats LabelImg writes besides Pascal VOC — YOLO (<c>classes.txt</c> plus one <c>.txt</c> of
/// <c>class x_center y_center width height</c> lines, normalised, per image) and CreateML JSON (<c>[{"image": …,
/// "annotations": [{"label": …, "coordinates": {x, y, width, height}}]}]</c>) — and COCO instances JSON (<c>images</c>,
/// <c>annotations</c> with <c>bbox</c> [x, y, w, h], <c>categories</c>). For classification each image is labelled by
/// its largest object (box area), and an image whose objects disagree is noted in the report, as with VOC. Images are
/// found relative to the annotation file, else by file name (LabelImg saves into a folder of its own).
/// </summary>
public static class DetectionAnnotations
{
    public const string YoloClassList = "classes.txt";

    public static bool IsYoloClassList(string key) => Path.GetFileName(key) == YoloClassList;

    /// <summary>The class names of a YOLO <c>classes.txt</c>, one per line (index = line number).</summary>
    public static IReadOnlyList<string> YoloClasses(AnnotationItem file) =>
        Encoding.UTF8.GetString(file.Bytes).Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToList();

    /// <summary>
    /// The labels of a YOLO, CreateML or COCO file; null when <paramref name="file"/> is none of them (the general
    /// CSV/JSON/VOC reader then takes it).
    /// </summary>
    public static (IReadOnlyList<Annotation> Labels, IReadOnlyList<RejectedItem> Rejected, IReadOnlyList<string> Notes)? TryParse(
        AnnotationItem file, ImagePathIndex images, IReadOnlyList<string>? yoloClasses)
    {
        var extension = Path.GetExtension(file.Key).ToLowerInvariant();
        var labels = new List<Annotation>();
        var rejected = new List<RejectedItem>();
        var notes = new List<string>();
        try
        {
            if (extension == ".txt" && yoloClasses is not null)
            {
                ParseYolo(file, images, yoloClasses, labels, rejected, notes);
                return (labels, rejected, notes);
            }
            if (extension != ".json")
            {
                return null;
            }
            using var document = JsonDocument.Parse(file.Bytes, new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (IsCoco(root))
            {
                ParseCoco(file, root, images, labels, rejected, notes);
            }
            else if (IsCreateMl(root))
            {
                ParseCreateMl(file, root, images, labels, rejected, notes);
            }
            else
            {
                return null;
            }
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            // A file recognised as one of these formats but malformed: reported as a whole, none of its labels used.
            return ([], [new RejectedItem(file.Key, "unreadable-annotation", exception.Message)], []);
        }
        return (labels, rejected, notes);
    }

    /// <summary>VOC labels whose <c>&lt;filename&gt;</c> is not beside the XML: the one image of that name, when there is one.</summary>
    public static IReadOnlyList<Annotation> Relocated(IReadOnlyList<Annotation> labels, AnnotationItem file, ImagePathIndex images) =>
        Path.GetExtension(file.Key).Equals(".xml", StringComparison.OrdinalIgnoreCase)
            ? labels.Select(label => label with { ImagePath = images.Relocate(label.ImagePath) }).ToList()
            : labels;

    private static bool IsCoco(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("images", out var images) && images.ValueKind == JsonValueKind.Array
        && root.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Array
        && root.TryGetProperty("categories", out var categories) && categories.ValueKind == JsonValueKind.Array;

    private static bool IsCreateMl(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0
        && root.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Object && item.TryGetProperty("image", out _))
        && root.EnumerateArray().Any(item => item.TryGetProperty("annotations", out var list) && list.ValueKind == JsonValueKind.Array);

    private static void ParseYolo(AnnotationItem file, ImagePathIndex images, IReadOnlyList<string> classes,
        List<Annotation> labels, List<RejectedItem> rejected, List<string> notes)
    {
        var objects = new List<(string Name, double Area)>();
        var lines = Encoding.UTF8.GetString(file.Bytes).Split('\n');
        for (var number = 1; number <= lines.Length; number++)
        {
            var fields = lines[number - 1].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }
            if (fields.Length != 5 || !int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var index)
                || fields.Skip(1).Any(f => !double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            {
                rejected.Add(new RejectedItem($"{file.Key}:{number}", "unreadable-annotation", "a YOLO line is 'class x_center y_center width height'"));
                return;
            }
            if (index < 0 || index >= classes.Count)
            {
                rejected.Add(new RejectedItem($"{file.Key}:{number}", "unknown-class-index",
                    $"class {index} is not in {YoloClassList} (which names {classes.Count}: 0–{classes.Count - 1})"));
                return;
            }
            var box = fields.Skip(1).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            if (box.Any(value => value is < 0 or > 1 || double.IsNaN(value)))
            {
                rejected.Add(new RejectedItem($"{file.Key}:{number}", "box-out-of-range",
                    "YOLO coordinates are fractions of the image size, between 0 and 1"));
                return;
            }
            objects.Add((classes[index], box[2] * box[3]));
        }
        if (images.ImageForLabelFile(file.Key) is not { } image)
        {
            rejected.Add(new RejectedItem(file.Key, "annotation-missing-file", $"no image named '{Path.GetFileNameWithoutExtension(file.Key)}.*' is in the upload"));
            return;
        }
        Label(file.Key, "", image, objects, labels, rejected, notes);
    }

    private static void ParseCreateMl(AnnotationItem file, JsonElement root, ImagePathIndex images,
        List<Annotation> labels, List<RejectedItem> rejected, List<string> notes)
    {
        var index = 0;
        foreach (var entry in root.EnumerateArray())
        {
            var origin = $"[{index++}]";
            var reference = entry.GetProperty("image").GetString() ?? throw new FormatException($"entry {origin} has no \"image\" name");
            var objects = new List<(string Name, double Area)>();
            if (entry.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Array)
            {
                foreach (var annotation in annotations.EnumerateArray())
                {
                    if (annotation.ValueKind != JsonValueKind.Object || !annotation.TryGetProperty("label", out var label)
                        || label.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(label.GetString()))
                    {
                        continue;
                    }
                    var area = annotation.TryGetProperty("coordinates", out var box) && box.ValueKind == JsonValueKind.Object
                        ? Number(box, "width") * Number(box, "height")
                        : 0;
                    objects.Add((label.GetString()!.Trim(), area));
                }
            }
            Resolve(file, origin, reference, images, rejected, image => Label(file.Key, origin, image, objects, labels, rejected, notes));
        }
    }

    private static void ParseCoco(AnnotationItem file, JsonElement root, ImagePathIndex images,
        List<Annotation> labels, List<RejectedItem> rejected, List<string> notes)
    {
        var categories = new Dictionary<long, string>();
        foreach (var category in root.GetProperty("categories").EnumerateArray())
        {
            categories[category.GetProperty("id").GetInt64()] = category.GetProperty("name").GetString()
                ?? throw new FormatException("a category has no \"name\"");
        }
        var fileNames = new Dictionary<long, string>();
        foreach (var image in root.GetProperty("images").EnumerateArray())
        {
            fileNames[image.GetProperty("id").GetInt64()] = image.GetProperty("file_name").GetString()
                ?? throw new FormatException("an image has no \"file_name\"");
        }
        var objects = fileNames.Keys.ToDictionary(id => id, _ => new List<(string Name, double Area)>());
        var index = 0;
        foreach (var annotation in root.GetProperty("annotations").EnumerateArray())
        {
            var origin = $"{file.Key}#annotations[{index++}]";
            var imageId = annotation.GetProperty("image_id").GetInt64();
            var categoryId = annotation.GetProperty("category_id").GetInt64();
            if (!objects.TryGetValue(imageId, out var list))
            {
                rejected.Add(new RejectedItem(origin, "annotation-unknown-image", $"image_id {imageId} is not one of the file's images"));
                continue;
            }
            if (!categories.TryGetValue(categoryId, out var name))
            {
                rejected.Add(new RejectedItem(origin, "annotation-unknown-category", $"category_id {categoryId} is not one of the file's categories"));
                continue;
            }
            var area = annotation.TryGetProperty("bbox", out var bbox) && bbox.ValueKind == JsonValueKind.Array && bbox.GetArrayLength() == 4
                ? bbox[2].GetDouble() * bbox[3].GetDouble()
                : annotation.TryGetProperty("area", out var areaValue) ? areaValue.GetDouble() : 0;
            list.Add((name, area));
        }
        foreach (var (id, fileName) in fileNames)
        {
            // An image without annotations is left unlabelled: the upload's check reports it as such.
            if (objects[id].Count > 0)
            {
                Resolve(file, $"#images[id={id}]", fileName, images, rejected, image => Label(file.Key, $"#images[id={id}]", image, objects[id], labels, rejected, notes));
            }
        }
    }

    private static void Resolve(AnnotationItem file, string origin, string reference, ImagePathIndex images, List<RejectedItem> rejected, Action<string> use)
    {
        if (images.Resolve(file.Key, reference) is { } image)
        {
            use(image);
        }
        else
        {
            rejected.Add(new RejectedItem(file.Key + origin, "annotation-path-escapes", $"'{reference}' points outside the upload; only files inside it can be labelled"));
        }
    }

    private static void Label(string fileKey, string origin, string image, List<(string Name, double Area)> objects,
        List<Annotation> labels, List<RejectedItem> rejected, List<string> notes)
    {
        if (objects.Count == 0)
        {
            rejected.Add(new RejectedItem(fileKey + origin, "unlabelled", $"no labelled object for '{image}'"));
            return;
        }
        var largest = objects.MaxBy(entry => entry.Area);
        var names = objects.Select(entry => entry.Name).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count > 1)
        {
            notes.Add($"{fileKey}{origin}: {objects.Count} objects ({string.Join(", ", names)}); labelled '{largest.Name}', the largest");
        }
        labels.Add(new Annotation(image, largest.Name, fileKey + origin));
    }

    private static double Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
}
