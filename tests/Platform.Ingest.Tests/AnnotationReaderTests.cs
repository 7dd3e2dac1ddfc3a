using System.Text;
using Platform.Contracts.Naming;
using Platform.Ingest.Sources;

namespace Platform.Ingest.Tests;

public sealed class AnnotationReaderTests
{
    private static (Dictionary<string, string> Labels, Dictionary<string, string> Rejected) Parse(string key, byte[] bytes)
    {
        var (labels, rejected, _) = Annotations.Parse(new AnnotationItem(key, bytes));
        return (labels.ToDictionary(a => a.ImagePath, a => a.Label), rejected.ToDictionary(r => r.Key, r => r.Reason));
    }

    [Fact]
    public void An_rfc4180_csv_with_bom_crlf_and_quoted_commas_quotes_and_line_breaks_keeps_every_row()
    {
        var text = "label,path,note\r\ncat,\"images/a, the first.png\",\r\n\"dog, small\",\"images/say \"\"hi\"\".png\",\"two\r\nlines\"\r\nbird,images/c.png,\r\n";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();

        var (labels, rejected) = Parse("labels.csv", bytes);

        Assert.Empty(rejected);
        Assert.Equal(new Dictionary<string, string>
        {
            ["images/a, the first.png"] = "cat",
            ["images/say \"hi\".png"] = "dog, small",
            ["images/c.png"] = "bird",
        }, labels);
    }

    [Fact]
    public void A_row_after_a_multi_line_field_is_reported_at_its_own_line()
    {
        var (_, rejected) = Parse("labels.csv", Encoding.UTF8.GetBytes("path,label,note\na.png,cat,\"one\ntwo\nthree\"\nb.png\n"));

        Assert.Equal("bad-annotation-row", Assert.Single(rejected, r => r.Key == "labels.csv:5").Value);
    }

    [Fact]
    public void Each_bad_csv_row_is_reported_with_its_line_number_and_the_good_rows_are_kept()
    {
        var bytes = Encoding.UTF8.GetBytes("path,label\na.png,cat\nb.png\nc.png,dog,extra\nd.png,\0bad\n").Concat(
            new byte[] { (byte)'e', (byte)'.', (byte)'p', (byte)'n', (byte)'g', (byte)',', 0xC3, 0x28, (byte)'\n' }).Concat(
            Encoding.UTF8.GetBytes("f.png,\"quoted\"x\ng.png,=HYPERLINK(\"http://x\")\nh.png,bird\ni.png,\"never closed\n")).ToArray();

        var (labels, rejected) = Parse("labels.csv", bytes);

        Assert.Equal(new Dictionary<string, string> { ["a.png"] = "cat", ["h.png"] = "bird" }, labels);
        Assert.Equal("bad-annotation-row", rejected["labels.csv:3"]);  // a missing column
        Assert.Equal("bad-annotation-row", rejected["labels.csv:4"]);  // an extra column
        Assert.Equal("bad-annotation-row", rejected["labels.csv:5"]);  // NUL
        Assert.Equal("bad-annotation-row", rejected["labels.csv:6"]);  // invalid UTF-8
        Assert.Equal("bad-annotation-row", rejected["labels.csv:7"]);  // text after a closing quote
        Assert.Equal("invalid-label", rejected["labels.csv:8"]);       // a spreadsheet formula
        Assert.Equal("bad-annotation-row", rejected["labels.csv:10"]); // an unterminated quote at the end
        Assert.Equal(7, rejected.Count);
    }

    [Fact]
    public void The_classes_and_images_json_layout_labels_by_name_or_by_index()
    {
        var json = """{"classes": ["cat", "dog"], "images": [{"path": "a.png", "label": "cat"}, {"path": "b.png", "label": 1}, {"path": "c.png", "label": 7}, {"path": "d.png", "label": "cow"}, {"label": "cat"}]}""";

        var (labels, rejected) = Parse("meta/labels.json", Encoding.UTF8.GetBytes(json));

        Assert.Equal(new Dictionary<string, string> { ["meta/a.png"] = "cat", ["meta/b.png"] = "dog" }, labels);
        Assert.Equal(["meta/labels.json#images[2]", "meta/labels.json#images[3]", "meta/labels.json#images[4]"], rejected.Keys.Order());
        Assert.All(rejected.Values, reason => Assert.Equal("bad-annotation-row", reason));
    }

    [Fact]
    public void A_json_layout_that_is_not_understood_is_reported_naming_the_layouts_that_are()
    {
        var (labels, rejected, _) = Annotations.Parse(new AnnotationItem("labels.json", Encoding.UTF8.GetBytes("""{"version": 2, "items": {"a.png": {"tag": "cat"}}}""")));

        Assert.Empty(labels);
        var problem = Assert.Single(rejected);
        Assert.Equal("unrecognised-annotation-layout", problem.Reason);
        Assert.All(JsonAnnotationReader.Layouts, layout => Assert.Contains(layout, problem.Detail));
    }

    [Theory]
    [InlineData("cat", true)]
    [InlineData("golden retriever", true)]
    [InlineData("=1+1", false)]
    [InlineData("+cmd", false)]
    [InlineData("-2", false)]
    [InlineData("@SUM(A1)", false)]
    [InlineData("\tcat", false)]
    [InlineData("ca\0t", false)]
    [InlineData("", false)]
    public void Class_labels_that_a_spreadsheet_would_run_or_that_hold_control_characters_are_refused(string label, bool valid)
    {
        Assert.Equal(valid, ClassLabels.IsValid(label));
    }
}
