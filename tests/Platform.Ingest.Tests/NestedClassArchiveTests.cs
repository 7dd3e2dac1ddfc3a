using System.Text;
using System.Text.Json;

namespace Platform.Ingest.Tests;

/// <summary>ImageNet's training archive layout — a tar of per-class tars — through the running service.</summary>
[Collection(IngestCollection.Name)]
public sealed class NestedClassArchiveTests(IngestFixture fixture)
{
    private static byte[] ClassTar(string synset, int count, int seed) => TarArchives.Tar(
        Enumerable.Range(0, count).Select(i => new TarArchives.Entry($"{synset}_{10000 + i}.JPEG", TestArchives.Jpeg(seed + i))));

    [Fact]
    public async Task A_tar_of_per_class_tars_is_read_one_level_deep_with_each_inner_tar_as_a_class_and_hostile_entries_rejected()
    {
        var hostile = TarArchives.Tar(
        [
            new("n09999999_1.JPEG", TestArchives.Jpeg(90)),
            new("link.JPEG", null, LinkTarget: "/etc/passwd"),
            new("deeper.tar", ClassTar("n00000001", 1, 92)),
        ]);
        var archive = TarArchives.Tar(
        [
            new("n01440764.tar", ClassTar("n01440764", 4, 10)),
            new("n01443537.tar", ClassTar("n01443537", 3, 20)),
            new("n09999999.tar", hostile),
        ]);

        var record = await IngestAsync("ilsvrc-train", archive);

        Assert.Equal("published", record.GetProperty("state").GetString());
        var report = record.GetProperty("report");
        Assert.Equal(["n01440764", "n01443537", "n09999999"], report.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("class folders", report.GetProperty("labelSource").GetString());
        int Total(int label) => report.GetProperty("splits").EnumerateArray().Sum(s => s.GetProperty("perClass")[label].GetInt32());
        Assert.Equal([4, 3, 1], new[] { Total(0), Total(1), Total(2) });
        var reasons = report.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("path").GetString()!, r => r.GetProperty("reason").GetString());
        Assert.Equal("link", reasons["n09999999/link.JPEG"]);
        Assert.Equal("nested-archive", reasons["n09999999/deeper.tar"]);
    }

    [Fact]
    public async Task A_class_tar_that_expands_like_a_bomb_fails_the_whole_upload_against_the_archive_wide_ratio()
    {
        // Two 10 MB files of zeros: 20 MB expanded from a few kilobytes of tar.gz, over the 200× ratio past the 16 MB floor.
        var bomb = TarArchives.Tar([new("zeros_1.JPEG", new byte[10_000_000]), new("zeros_2.JPEG", new byte[10_000_000])]);
        var archive = TarArchives.Tar([new("n01440764.tar", ClassTar("n01440764", 3, 30)), new("n02000000.tar", bomb)],
            gzip: true, System.IO.Compression.CompressionLevel.SmallestSize);
        Assert.True(archive.Length < 100_000, $"the bomb is {archive.Length} bytes");

        var record = await IngestAsync("ilsvrc-bomb", archive);

        Assert.Equal("failed", record.GetProperty("state").GetString());
        Assert.StartsWith("compression-ratio: ", record.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_class_tar_with_an_entry_named_to_escape_refuses_the_whole_upload_naming_the_entry()
    {
        var traversal = TarArchives.Tar([new("n02000000_1.JPEG", TestArchives.Jpeg(50)), new("../../escape.JPEG", TestArchives.Jpeg(51))]);
        var archive = TarArchives.Tar([new("n01440764.tar", ClassTar("n01440764", 3, 60)), new("n02000000.tar", traversal)]);

        var record = await IngestAsync("ilsvrc-traversal", archive);

        Assert.Equal("failed", record.GetProperty("state").GetString());
        Assert.StartsWith("unsafe-path: ", record.GetProperty("error").GetString());
        Assert.Contains("n02000000/../../escape.JPEG", record.GetProperty("error").GetString());
        var version = record.GetProperty("version").GetInt32();
        Assert.Equal([$"datasets/ilsvrc-traversal/v{version}/version.json"], await fixture.BlobNamesAsync("datasets/ilsvrc-traversal/"));
    }

    [Fact]
    public async Task Imagenet_validation_images_are_labelled_by_the_synset_per_line_list_or_by_path_label_lines()
    {
        var synsets = new[] { "n01440764", "n01443537", "n01440764", "n01443537", "n01440764" };
        var images = Enumerable.Range(1, 5).Select(i => new TarArchives.Entry($"val/ILSVRC2012_val_{i:00000000}.JPEG", TestArchives.Jpeg(40 + i))).ToList();
        var bySynsetLines = TarArchives.Tar([.. images, new("imagenet_2012_validation_synset_labels.txt", Encoding.ASCII.GetBytes(string.Join("\n", synsets) + "\n"))]);
        var byPathLines = TarArchives.Tar([.. images, new("val/val.txt",
            Encoding.ASCII.GetBytes(string.Concat(synsets.Select((s, i) => $"ILSVRC2012_val_{i + 1:00000000}.JPEG {s}\n"))))]);

        foreach (var (name, archive) in new[] { ("ilsvrc-val", bySynsetLines), ("ilsvrc-val-pairs", byPathLines) })
        {
            var record = await IngestAsync(name, archive);

            Assert.Equal("published", record.GetProperty("state").GetString());
            var report = record.GetProperty("report");
            Assert.Equal(["n01440764", "n01443537"], report.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal("annotations", report.GetProperty("labelSource").GetString());
            Assert.Equal([3, 2], new[] { 0, 1 }.Select(c => report.GetProperty("splits").EnumerateArray().Sum(s => s.GetProperty("perClass")[c].GetInt32())));
        }
    }

    private async Task<JsonElement> IngestAsync(string name, byte[] archive)
    {
        var accepted = await fixture.UploadAsync($"name={name}", IngestFixture.Archive(archive));
        return await fixture.WaitForOutcomeAsync(name, accepted.GetProperty("version").GetInt32());
    }
}
