using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Imaging;
using Platform.Imaging.Formats;
using Platform.Testing;

namespace Platform.Ingest.Tests;

[Collection(IngestCollection.Name)]
public sealed class HostileInputTests(IngestFixture fixture)
{
    private static Dictionary<string, string> ReasonsByPath(JsonElement record) =>
        record.GetProperty("report").GetProperty("rejected").EnumerateArray()
            .GroupBy(r => r.GetProperty("path").GetString()!)
            .ToDictionary(g => g.Key, g => g.First().GetProperty("reason").GetString()!);

    [Fact]
    public async Task A_mixed_folder_archive_keeps_its_valid_images_and_rejects_each_bad_file_with_its_own_reason()
    {
        var valid = Enumerable.Range(0, 6).Select(i => new TestArchives.Entry($"{(i % 2 == 0 ? "cat" : "dog")}/ok-{i}.png", TestArchives.Png(i))).ToList();
        var jpeg = TestArchives.Jpeg(1, 64);
        var conflicting = TestArchives.Png(100);
        var archive = TestArchives.Zip(valid.Concat(
        [
            new("cat/link.png", Encoding.UTF8.GetBytes("/etc/passwd"), IsSymlink: true),
            new("cat/huge.png", EncodedSamples.PngHeader(100_000, 100_000)),
            new("dog/truncated.jpg", jpeg[..(jpeg.Length / 2)]),
            new("cat/random.jpg", RandomBytes(4096)),
            new("dog/empty.jpg", []),
            new("cat/inner.zip", TestArchives.Zip([new("x.png", TestArchives.Png(52))])),
            new("cat/notes.txt", Encoding.UTF8.GetBytes("not an image")),
            new("cat/copy-of-ok-0.png", valid[0].Content),
            new("cat/same.png", conflicting),
            new("dog/same.png", conflicting),
            new("dog/zeros.bmp", new byte[20 * 1024 * 1024], Level: CompressionLevel.SmallestSize),
            new("loose.png", TestArchives.Png(53)),
        ]));

        var accepted = await fixture.UploadAsync("name=hostile-mixed", IngestFixture.Archive(archive));
        var version = accepted.GetProperty("version").GetInt32();
        var record = await fixture.WaitForOutcomeAsync("hostile-mixed", version);

        Assert.Equal("published", record.GetProperty("state").GetString());
        var reasons = ReasonsByPath(record);
        Assert.Equal("link", reasons["cat/link.png"]);
        Assert.Equal("too-many-pixels", reasons["cat/huge.png"]);
        Assert.Equal("truncated", reasons["dog/truncated.jpg"]);
        Assert.Contains(reasons["cat/random.jpg"], new[] { "unsupported-format", "corrupt" });
        Assert.Equal("empty", reasons["dog/empty.jpg"]);
        Assert.Equal("nested-archive", reasons["cat/inner.zip"]);
        Assert.Equal("not-an-image", reasons["cat/notes.txt"]);
        Assert.Equal("duplicate", reasons["cat/copy-of-ok-0.png"]);
        Assert.Equal("label-conflict", reasons["cat/same.png"]);
        Assert.Equal("label-conflict", reasons["dog/same.png"]);
        Assert.Equal("compression-ratio", reasons["dog/zeros.bmp"]);
        Assert.Equal("unlabelled", reasons["loose.png"]);
        var report = record.GetProperty("report");
        Assert.Equal(6, report.GetProperty("splits").EnumerateArray().Sum(s => s.GetProperty("samples").GetInt32()));
        Assert.Single(report.GetProperty("conflicts").EnumerateArray());
        await AssertOnlyDatasetPrefixesWrittenAsync();
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task Annotation_uploads_reject_xxe_paths_outside_the_archive_and_unknown_labels()
    {
        var archive = TestArchives.Zip(
        [
            new("images/a.png", TestArchives.Png(200)),
            new("images/b.png", TestArchives.Png(201)),
            new("images/c.png", TestArchives.Png(202)),
            new("images/d.png", TestArchives.Png(203)),
            new("images/e.png", TestArchives.Png(204)),
            new("labels.csv", Encoding.UTF8.GetBytes("path,label\nimages/a.png,cat\nimages/b.png,dog\nimages/c.png,bird\n../../etc/passwd,cat\nimages/missing.png,dog\n")),
            new("images/d.xml", Encoding.UTF8.GetBytes("""
                <?xml version="1.0"?>
                <!DOCTYPE annotation [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>
                <annotation><filename>d.png</filename><object><name>&xxe;</name></object></annotation>
                """)),
            new("images/e.xml", Encoding.UTF8.GetBytes("<annotation><filename>e.png</filename><object><name>cat</name></object></annotation>")),
        ]);

        var accepted = await fixture.UploadAsync("name=hostile-annotations&classes=cat,dog", IngestFixture.Archive(archive));
        var record = await fixture.WaitForOutcomeAsync("hostile-annotations", accepted.GetProperty("version").GetInt32());

        Assert.Equal("published", record.GetProperty("state").GetString());
        var reasons = ReasonsByPath(record);
        Assert.Equal("unknown-label", reasons["images/c.png"]);
        Assert.Equal("annotation-path-escapes", reasons["labels.csv:5"]);
        Assert.Equal("annotation-missing-file", reasons["labels.csv:6"]);
        Assert.Equal("xml-dtd-forbidden", reasons["images/d.xml"]);
        Assert.Equal("unlabelled", reasons["images/d.png"]);
        var report = record.GetProperty("report");
        Assert.Equal("annotations", report.GetProperty("labelSource").GetString());
        Assert.Equal(["cat", "dog"], report.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(3, report.GetProperty("splits").EnumerateArray().Sum(s => s.GetProperty("samples").GetInt32()));
        await AssertOnlyDatasetPrefixesWrittenAsync();
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task An_upload_with_nothing_valid_fails_with_its_report_and_leaves_no_blobs()
    {
        var archive = TestArchives.Zip([new("cat/empty.jpg", []), new("cat/x.txt", "text"u8.ToArray())]);

        var accepted = await fixture.UploadAsync("name=hostile-nothing", IngestFixture.Archive(archive));
        var version = accepted.GetProperty("version").GetInt32();
        var record = await fixture.WaitForOutcomeAsync("hostile-nothing", version);

        Assert.Equal("failed", record.GetProperty("state").GetString());
        Assert.StartsWith("No valid, labelled image was found in the upload: 2 file(s) or rows rejected (1 empty, 1 not-an-image)", record.GetProperty("error").GetString());
        Assert.Equal(2, record.GetProperty("report").GetProperty("rejected").GetArrayLength());
        Assert.Equal([$"datasets/hostile-nothing/v{version}/version.json"], await fixture.BlobNamesAsync($"datasets/hostile-nothing/v{version}/"));
    }

    [Fact]
    public async Task Bytes_that_are_no_archive_get_a_problem_answer_naming_what_is_accepted()
    {
        using var response = await fixture.Ingest.Client.PostAsync("/datasets?name=hostile-garbage", new ByteArrayContent(RandomBytes(10_000)));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("zip, tar or tar.gz", problem.GetProperty("detail").GetString());
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task A_tar_with_an_escaping_path_is_refused_whole_naming_the_entry_and_nothing_is_written()
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(buffer, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, seed) in new[] { ("cat/a.png", 400), ("cat/b.png", 401), ("dog/c.png", 402), ("../../tmp/evil.png", 403) })
            {
                writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, path)
                {
                    DataStream = new MemoryStream(TestArchives.Png(seed)),
                });
            }
            writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.SymbolicLink, "dog/link.png") { LinkName = "/etc/passwd" });
        }

        var accepted = await fixture.UploadAsync("name=hostile-tar", new ByteArrayContent(buffer.ToArray()));
        var record = await fixture.WaitForOutcomeAsync("hostile-tar", accepted.GetProperty("version").GetInt32());

        Assert.Equal("failed", record.GetProperty("state").GetString());
        Assert.StartsWith("unsafe-path: Entry '../../tmp/evil.png'", record.GetProperty("error").GetString());
        Assert.False(File.Exists("/tmp/evil.png"));
        await AssertOnlyDatasetPrefixesWrittenAsync();
    }

    [Fact]
    public async Task Encrypted_entries_polyglots_gifs_strips_bad_csv_rows_and_formula_labels_each_get_their_own_outcome()
    {
        var polyglot = TestArchives.Png(600).Concat(TestArchives.Zip([new("evil.html", "<script>alert(1)</script>"u8.ToArray())])).ToArray();
        var gif = Platform.Testing.EncodedSamples.Gif(2, 2, [(0, 0, 0), (255, 255, 255), (0, 0, 0), (0, 0, 0)], [0, 1, 1, 0]);
        var csv = "\uFEFFpath,label\r\n"
            + string.Concat(Enumerable.Range(0, 4).Select(i => $"\"img/a, {i}.png\",cat\r\nimg/b{i}.png,\"dog\"\r\n"))
            + "img/poly.png,cat\r\nimg/anim.gif,dog\r\nimg/strip.png,cat\r\nimg/secret.png,dog\r\nimg/f.png,=cmd|' /C calc'!A0\r\nimg/g.png\r\n";
        var entries = Enumerable.Range(0, 4).SelectMany(i => new TestArchives.Entry[]
        {
            new($"img/a, {i}.png", TestArchives.Png(610 + i)),
            new($"img/b{i}.png", TestArchives.Png(620 + i)),
        }).Concat(
        [
            new("img/poly.png", polyglot),
            new("img/anim.gif", gif),
            new("img/strip.png", ImageEncoder.Encode(ImageBuffer.Create(420, 10, 3), ImageFormat.Png)),
            new("img/secret.png", TestArchives.Png(630)),
            new("img/f.png", TestArchives.Png(631)),
            new("labels.csv", System.Text.Encoding.UTF8.GetBytes(csv)),
        ]).ToList();
        var archive = TestArchives.Crafted(TestArchives.Zip(entries), "img/secret.png", (data, local, central) =>
        {
            data[local + 6] |= 1;
            data[central + 8] |= 1;
        });

        var accepted = await fixture.UploadAsync("name=hostile-entries", IngestFixture.Archive(archive));
        var version = accepted.GetProperty("version").GetInt32();
        var record = await fixture.WaitForOutcomeAsync("hostile-entries", version);

        Assert.Equal("published", record.GetProperty("state").GetString());
        var reasons = ReasonsByPath(record);
        Assert.Equal("encrypted", reasons["img/secret.png"]);
        Assert.Equal("extreme-aspect-ratio", reasons["img/strip.png"]);
        Assert.Equal("invalid-label", reasons["labels.csv:14"]);
        Assert.Equal("bad-annotation-row", reasons["labels.csv:15"]);
        Assert.False(reasons.ContainsKey("img/anim.gif"));
        Assert.False(reasons.ContainsKey("img/poly.png"));
        var report = record.GetProperty("report");
        Assert.Equal(10, report.GetProperty("splits").EnumerateArray().Sum(s => s.GetProperty("samples").GetInt32()));
        Assert.Contains(report.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("after the image's end"));
        // The polyglot was stored without its appended zip: no shard holds a zip end-of-central-directory record.
        foreach (var shard in (await fixture.BlobNamesAsync($"datasets/hostile-entries/v{version}/shards/")))
        {
            Assert.Equal(-1, (await fixture.DownloadAsync(shard)).AsSpan().IndexOf(new byte[] { (byte)'P', (byte)'K', 5, 6 }));
        }
    }

    [Fact]
    public async Task A_zip_whose_local_header_names_another_file_is_refused_whole_and_no_error_names_a_server_path()
    {
        var zip = TestArchives.Zip([new("cat/aaaaaaaa.png", TestArchives.Png(700)), new("cat/b.png", TestArchives.Png(701))]);
        var crafted = TestArchives.Crafted(zip, "cat/aaaaaaaa.png", (data, local, _) =>
            System.Text.Encoding.UTF8.GetBytes("../../evil0.png!").CopyTo(data, local + 30));
        using var idx = new MultipartFormDataContent
        {
            { new ByteArrayContent(RandomBytes(100)), "images", "images.idx" },
            { new ByteArrayContent(RandomBytes(101)), "labels", "labels.idx" },
        };

        var craftedRecord = await fixture.WaitForOutcomeAsync("hostile-crafted",
            (await fixture.UploadAsync("name=hostile-crafted", IngestFixture.Archive(crafted))).GetProperty("version").GetInt32());
        var idxRecord = await fixture.WaitForOutcomeAsync("hostile-idx",
            (await fixture.UploadAsync("name=hostile-idx", idx)).GetProperty("version").GetInt32());

        Assert.Equal("failed", craftedRecord.GetProperty("state").GetString());
        Assert.StartsWith("zip-name-mismatch: Entry 'cat/aaaaaaaa.png'", craftedRecord.GetProperty("error").GetString());
        Assert.Equal([$"datasets/hostile-crafted/v{craftedRecord.GetProperty("version").GetInt32()}/version.json"],
            await fixture.BlobNamesAsync("datasets/hostile-crafted/"));
        Assert.Equal("failed", idxRecord.GetProperty("state").GetString());
        foreach (var text in new[] { craftedRecord.GetRawText(), idxRecord.GetRawText() })
        {
            Assert.DoesNotContain("platform-ingest", text);
            Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), text);
        }
    }

    private async Task AssertOnlyDatasetPrefixesWrittenAsync()
    {
        var outside = (await fixture.BlobNamesAsync())
            .Where(name => !System.Text.RegularExpressions.Regex.IsMatch(name, @"^datasets/[a-z0-9-]+/v[0-9]+/(version\.json|manifest\.json|shards/(train|val|test)-[0-9]+\.plshard|usage/[0-9a-f]{32})$"))
            .ToList();
        Assert.Empty(outside);
    }

    private async Task AssertHealthyAsync()
    {
        using var health = await fixture.Ingest.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }
}
