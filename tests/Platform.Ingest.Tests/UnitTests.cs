using System.Text;
using Microsoft.AspNetCore.Http;
using Platform.Ingest.Datasets;
using Platform.Ingest.Processing;
using Platform.Ingest.Sources;
using Platform.Contracts.Naming;
using Platform.Contracts.Datasets;

namespace Platform.Ingest.Tests;

public sealed class ArchivePathTests
{
    [Theory]
    [InlineData("cat/1.png", "cat/1.png")]
    [InlineData("./cat//1.png", "cat/1.png")]
    [InlineData("cat\\1.png", "cat/1.png")]
    [InlineData("../evil.png", null)]
    [InlineData("cat/../../evil.png", null)]
    [InlineData("/etc/passwd", null)]
    [InlineData("C:/windows/evil.png", null)]
    [InlineData("", null)]
    public void Normalize_keeps_relative_paths_and_refuses_escapes(string raw, string? expected)
    {
        Assert.Equal(expected, ArchivePaths.Normalize(raw));
    }

    [Theory]
    [InlineData("labels.csv", "cat/1.png", "cat/1.png")]
    [InlineData("meta/labels.csv", "../cat/1.png", "cat/1.png")]
    [InlineData("meta/labels.csv", "../../outside.png", null)]
    [InlineData("labels.csv", "/abs.png", null)]
    public void Annotation_references_resolve_relative_to_their_file(string from, string reference, string? expected)
    {
        Assert.Equal(expected, ArchivePaths.Resolve(from, reference));
    }
}

public sealed class StratifiedSplitterTests
{
    [Fact]
    public void Each_class_is_split_in_proportion_and_the_result_depends_only_on_the_seed()
    {
        var labels = Enumerable.Repeat(0, 100).Concat(Enumerable.Repeat(1, 20)).ToArray();
        var keys = labels.Select((_, i) => $"file-{i:D3}").ToArray();

        var splits = StratifiedSplitter.Assign(labels, keys, 0.1, 0.2, seed: 7);
        var reversed = StratifiedSplitter.Assign(labels.Reverse().ToArray(), keys.Reverse().ToArray(), 0.1, 0.2, seed: 7).Reverse().ToArray();

        int Count(int label, int split) => Enumerable.Range(0, labels.Length).Count(i => labels[i] == label && splits[i] == split);
        Assert.Equal((70, 10, 20), (Count(0, 0), Count(0, 1), Count(0, 2)));
        Assert.Equal((14, 2, 4), (Count(1, 0), Count(1, 1), Count(1, 2)));
        Assert.Equal(splits, reversed);
        Assert.NotEqual(splits, StratifiedSplitter.Assign(labels, keys, 0.1, 0.2, seed: 8));
    }

    [Theory]
    [InlineData(2, 0, 0)]
    [InlineData(3, 1, 1)]
    [InlineData(10, 1, 1)]
    [InlineData(40, 4, 4)]
    public void Small_classes_get_at_least_one_image_in_each_asked_split_when_they_can(int count, int validation, int test)
    {
        Assert.Equal((validation, test), StratifiedSplitter.Counts(count, 0.1, 0.1));
    }
}

public sealed class IngestSettingsTests
{
    private static IQueryCollection Query(string query) =>
        new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));

    [Fact]
    public void Defaults_apply_when_nothing_is_asked()
    {
        var (settings, errors) = IngestQuery.Parse(Query(""));

        Assert.Empty(errors);
        Assert.Equal(IngestSettings.Default, settings);
    }

    [Fact]
    public void Every_option_is_read()
    {
        var (settings, errors) = IngestQuery.Parse(Query("split=0.7,0.2,0.1&seed=5&size=64&channels=1&balance=oversample&balanceRatio=0.5&classes=a,b"));

        Assert.Empty(errors);
        Assert.Equal((0.7, 0.2, 0.1, 5, 64, 1), (settings.TrainFraction, settings.ValidationFraction, settings.TestFraction, settings.Seed, settings.Size, settings.Channels));
        Assert.Equal(BalanceMethod.Oversample, settings.Balance);
        Assert.Equal(0.5, settings.BalanceRatio);
        Assert.Equal(["a", "b"], settings.AllowedClasses);
    }

    [Fact]
    public void Every_invalid_option_is_reported_at_once()
    {
        var (_, errors) = IngestQuery.Parse(Query("split=0.5,0.5&seed=x&size=3&channels=2&balance=smote&balanceRatio=2&classes=a,a"));

        Assert.Equal(["balance", "balanceRatio", "channels", "classes", "seed", "size", "split"], errors.Keys.Order());
    }

    [Fact]
    public void Ingest_options_name_every_rule_they_break_and_the_defaults_break_none()
    {
        Assert.Empty(new IngestOptions().Violations());

        var broken = new IngestOptions { MaxUploadBytes = 0, MaxCompressionRatio = 1, HeartbeatInterval = TimeSpan.FromSeconds(10), AbandonedAfter = TimeSpan.FromSeconds(5) };

        Assert.Equal(["Ingest:MaxUploadBytes must be positive.", "Ingest:MaxCompressionRatio must be greater than 1.",
            "Ingest:AbandonedAfter must be longer than Ingest:HeartbeatInterval."], broken.Violations());
    }

    [Theory]
    [InlineData("fashion-mnist", true)]
    [InlineData("a", true)]
    [InlineData("Fashion", false)]
    [InlineData("-lead", false)]
    [InlineData("../x", false)]
    [InlineData("", false)]
    public void Dataset_names_are_lowercase_slugs(string name, bool valid)
    {
        Assert.Equal(valid, ResourceNames.Dataset.IsValid(name));
        Assert.Equal(valid, ResourceNames.Dataset.Problem(name) is null);
    }
}

public sealed class AnnotationTests
{
    private static (IReadOnlyList<Annotation> Labels, IReadOnlyList<RejectedItem> Rejected, IReadOnlyList<string> Notes) Parse(string path, string text) =>
        Annotations.Parse(new AnnotationItem(path, Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Csv_with_header_and_quoted_fields_gives_labels_relative_to_its_folder()
    {
        var (labels, rejected, _) = Parse("meta/labels.csv", "path,label\n../img/a.png,cat\n\"../img/b, c.png\",\"dog, large\"\n");

        Assert.Empty(rejected);
        Assert.Equal([("img/a.png", "cat"), ("img/b, c.png", "dog, large")], labels.Select(l => (l.ImagePath, l.Label)));
    }

    [Fact]
    public void Json_arrays_and_objects_are_both_understood()
    {
        var (array, _, _) = Parse("a.json", """[{"path": "x.png", "label": "cat"}, {"file": "y.png", "class": "dog"}]""");
        var (map, _, _) = Parse("b.json", """{"x.png": "cat", "y.png": "dog"}""");

        Assert.Equal([("x.png", "cat"), ("y.png", "dog")], array.Select(l => (l.ImagePath, l.Label)));
        Assert.Equal([("x.png", "cat"), ("y.png", "dog")], map.Select(l => (l.ImagePath, l.Label)));
    }

    [Fact]
    public void Voc_images_with_several_objects_take_the_label_of_the_largest()
    {
        var (labels, _, notes) = Parse("ann/photo.xml", """
            <annotation><folder>ann</folder><filename>photo.jpg</filename>
              <object><name>cat</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>10</xmax><ymax>10</ymax></bndbox></object>
              <object><name>dog</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>50</xmax><ymax>40</ymax></bndbox></object>
            </annotation>
            """);

        Assert.Equal(("ann/photo.jpg", "dog"), (labels.Single().ImagePath, labels.Single().Label));
        Assert.Contains("largest", Assert.Single(notes));
    }

    [Fact]
    public void Xml_with_an_external_entity_is_refused_without_reading_it()
    {
        var (labels, rejected, _) = Parse("ann/evil.xml", """
            <?xml version="1.0"?>
            <!DOCTYPE annotation [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <annotation><filename>a.jpg</filename><object><name>&secret;</name></object></annotation>
            """);

        Assert.Empty(labels);
        Assert.Equal("xml-dtd-forbidden", Assert.Single(rejected).Reason);
    }

    [Fact]
    public void A_row_pointing_outside_the_upload_is_rejected_and_the_rest_kept()
    {
        var (labels, rejected, _) = Parse("labels.csv", "a.png,cat\n../../etc/passwd,cat\n");

        Assert.Equal("a.png", Assert.Single(labels).ImagePath);
        Assert.Equal("annotation-path-escapes", Assert.Single(rejected).Reason);
    }
}

public sealed class ServerPathsTests
{
    [Fact]
    public void A_server_path_in_a_message_is_replaced_and_an_uploaded_name_is_kept()
    {
        var options = new IngestOptions { WorkFolder = "/var/lib/platform-ingest" };

        var redacted = ServerPaths.Redact("Could not open '/var/lib/platform-ingest/pets-v3-0a1b/upload'; entry '../../tmp/evil.png'", options);

        Assert.Equal("Could not open '(server folder)'; entry '../../tmp/evil.png'", redacted);
    }
}
