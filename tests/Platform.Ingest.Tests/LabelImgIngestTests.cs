using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Platform.Ingest.Tests;

/// <summary>
/// Images labelled with LabelImg, in each format it saves (Pascal VOC, YOLO, CreateML), and COCO instances JSON:
/// classification by the largest object, through the running service.
/// </summary>
[Collection(IngestCollection.Name)]
public sealed class LabelImgIngestTests(IngestFixture fixture)
{
    // Four cats and two dogs; image 5 also holds a small cat, image 0 a small dog: the largest object decides.
    private static readonly string[] Labels = ["cat", "cat", "cat", "dog", "cat", "dog"];

    private static string Image(int i) => $"img_{i:000}.png";

    private static IEnumerable<TestArchives.Entry> Images(string folder) =>
        Enumerable.Range(0, Labels.Length).Select(i => new TestArchives.Entry($"{folder}/{Image(i)}", TestArchives.Png(500 + i)));

    // (label, xmin, ymin, xmax, ymax) in pixels of the 16×16 images.
    private static (string Label, int XMin, int YMin, int XMax, int YMax)[] Objects(int i) => i switch
    {
        0 => [("dog", 0, 0, 3, 3), ("cat", 2, 2, 15, 15)],
        5 => [("cat", 1, 1, 4, 4), ("dog", 3, 3, 16, 16)],
        _ => [(Labels[i], 1, 2, 12, 14)],
    };

    [Fact]
    public async Task Pascal_voc_files_in_an_annotations_folder_label_the_images_they_name_by_their_largest_object()
    {
        var voc = Enumerable.Range(0, Labels.Length).Select(i => new TestArchives.Entry($"annotations/img_{i:000}.xml", Encoding.UTF8.GetBytes(VocXml(i))));

        var report = await IngestAsync("labelimg-voc", Images("images").Concat(voc));

        AssertCatsAndDogs(report, "annotations");
        Assert.Contains(Warnings(report), w => w.StartsWith("annotations/img_005.xml: 2 objects (cat, dog); labelled 'dog', the largest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Yolo_label_files_with_classes_txt_label_their_images_and_bad_indices_or_boxes_are_rejected_with_reasons()
    {
        var yolo = Enumerable.Range(0, Labels.Length).Select(i => new TestArchives.Entry($"images/img_{i:000}.txt", Encoding.ASCII.GetBytes(YoloLines(i))))
            .Append(new("images/classes.txt", Encoding.ASCII.GetBytes("dog\ncat\n")))
            .Append(new("images/bad_index.png", TestArchives.Png(600)))
            .Append(new("images/bad_index.txt", Encoding.ASCII.GetBytes("2 0.500000 0.500000 0.250000 0.250000\n")))
            .Append(new("images/bad_box.png", TestArchives.Png(601)))
            .Append(new("images/bad_box.txt", Encoding.ASCII.GetBytes("1 0.500000 0.500000 1.250000 0.250000\n")));

        var report = await IngestAsync("labelimg-yolo", Images("images").Concat(yolo));

        AssertCatsAndDogs(report, "annotations");
        var reasons = Reasons(report);
        Assert.Equal("unknown-class-index", reasons["images/bad_index.txt:1"]);
        Assert.Equal("box-out-of-range", reasons["images/bad_box.txt:1"]);
        Assert.Equal("unlabelled", reasons["images/bad_index.png"]);
    }

    [Fact]
    public async Task A_createml_json_labels_its_images_and_an_entry_without_labels_is_reported()
    {
        var entries = Enumerable.Range(0, Labels.Length).Select(i => new
        {
            image = Image(i),
            verified = false,
            annotations = Objects(i).Select(o => new
            {
                label = o.Label,
                coordinates = new { x = (o.XMin + o.XMax) / 2.0, y = (o.YMin + o.YMax) / 2.0, width = (double)(o.XMax - o.XMin), height = (double)(o.YMax - o.YMin) },
            }).ToArray(),
        }).Cast<object>().Append(new { image = "unlabelled.png", verified = false, annotations = Array.Empty<object>() });
        var archive = Images("photos")
            .Append(new("photos/unlabelled.png", TestArchives.Png(602)))
            .Append(new("photos/photos.json", JsonSerializer.SerializeToUtf8Bytes(entries)));

        var report = await IngestAsync("labelimg-createml", archive);

        AssertCatsAndDogs(report, "annotations");
        Assert.Equal("unlabelled", Reasons(report)["photos/photos.json[6]"]);
    }

    [Fact]
    public async Task A_coco_instances_file_labels_its_images_and_annotations_naming_unknown_images_or_categories_are_rejected()
    {
        var categories = new[] { new { id = 17, name = "cat", supercategory = "animal" }, new { id = 18, name = "dog", supercategory = "animal" } };
        var annotations = Enumerable.Range(0, Labels.Length).SelectMany(i => Objects(i).Select(o => (Image: i, Object: o)))
            .Select((a, n) => (object)new
            {
                id = n + 1,
                image_id = a.Image + 1,
                category_id = a.Object.Label == "cat" ? 17 : 18,
                bbox = new double[] { a.Object.XMin, a.Object.YMin, a.Object.XMax - a.Object.XMin, a.Object.YMax - a.Object.YMin },
                area = (double)(a.Object.XMax - a.Object.XMin) * (a.Object.YMax - a.Object.YMin),
                iscrowd = 0,
                segmentation = Array.Empty<double[]>(),
            })
            .Append(new { id = 100, image_id = 99, category_id = 17, bbox = new double[] { 0, 0, 4, 4 }, area = 16.0, iscrowd = 0, segmentation = Array.Empty<double[]>() })
            .Append(new { id = 101, image_id = 1, category_id = 5, bbox = new double[] { 0, 0, 16, 16 }, area = 256.0, iscrowd = 0, segmentation = Array.Empty<double[]>() });
        var coco = new
        {
            info = new { description = "test", version = "1.0" },
            licenses = Array.Empty<object>(),
            images = Enumerable.Range(0, Labels.Length).Select(i => new { id = i + 1, file_name = Image(i), width = 16, height = 16 }),
            annotations,
            categories,
        };
        var archive = Images("train").Append(new("annotations/instances_train.json", JsonSerializer.SerializeToUtf8Bytes(coco)));

        var report = await IngestAsync("coco-instances", archive);

        AssertCatsAndDogs(report, "annotations");
        var reasons = Reasons(report);
        Assert.Equal("annotation-unknown-image", reasons["annotations/instances_train.json#annotations[8]"]);
        Assert.Equal("annotation-unknown-category", reasons["annotations/instances_train.json#annotations[9]"]);
    }

    private static string VocXml(int i) => $"""
        <annotation>
        	<folder>images</folder>
        	<filename>{Image(i)}</filename>
        	<path>/home/labeller/data/images/{Image(i)}</path>
        	<source>
        		<database>Unknown</database>
        	</source>
        	<size>
        		<width>16</width>
        		<height>16</height>
        		<depth>3</depth>
        	</size>
        	<segmented>0</segmented>
        {string.Concat(Objects(i).Select(o => $"""
        	<object>
        		<name>{o.Label}</name>
        		<pose>Unspecified</pose>
        		<truncated>0</truncated>
        		<difficult>0</difficult>
        		<bndbox>
        			<xmin>{o.XMin}</xmin>
        			<ymin>{o.YMin}</ymin>
        			<xmax>{o.XMax}</xmax>
        			<ymax>{o.YMax}</ymax>
        		</bndbox>
        	</object>

        """))}</annotation>

        """;

    // LabelImg's YOLO writer: "%d %.6f %.6f %.6f %.6f" of class index, box centre and size over the image size.
    private static string YoloLines(int i) => string.Concat(Objects(i).Select(o => string.Create(CultureInfo.InvariantCulture,
        $"{(o.Label == "dog" ? 0 : 1)} {(o.XMin + o.XMax) / 32.0:F6} {(o.YMin + o.YMax) / 32.0:F6} {(o.XMax - o.XMin) / 16.0:F6} {(o.YMax - o.YMin) / 16.0:F6}\n")));

    private static void AssertCatsAndDogs(JsonElement report, string labelSource)
    {
        Assert.Equal(["cat", "dog"], report.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(labelSource, report.GetProperty("labelSource").GetString());
        var totals = new int[2];
        foreach (var split in report.GetProperty("splits").EnumerateArray())
        {
            totals[0] += split.GetProperty("perClass")[0].GetInt32();
            totals[1] += split.GetProperty("perClass")[1].GetInt32();
        }
        // Image 0 is a cat (its cat is larger than its dog), image 5 a dog: four cats and two dogs.
        Assert.Equal([4, 2], totals);
        Assert.Equal(2.0, report.GetProperty("imbalanceRatio").GetDouble());
        Assert.Contains(Warnings(report), w => w.StartsWith("the train split is imbalanced: 2×", StringComparison.Ordinal));
    }

    private async Task<JsonElement> IngestAsync(string name, IEnumerable<TestArchives.Entry> entries)
    {
        var accepted = await fixture.UploadAsync($"name={name}&split=1,0,0", IngestFixture.Archive(TestArchives.Zip(entries)));
        var record = await fixture.WaitForOutcomeAsync(name, accepted.GetProperty("version").GetInt32());
        Assert.True(record.GetProperty("state").GetString() == "published", record.ToString());
        return record.GetProperty("report");
    }

    private static Dictionary<string, string> Reasons(JsonElement report) =>
        report.GetProperty("rejected").EnumerateArray().GroupBy(r => r.GetProperty("path").GetString()!)
            .ToDictionary(g => g.Key, g => g.First().GetProperty("reason").GetString()!);

    private static IEnumerable<string> Warnings(JsonElement report) => report.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!);
}
