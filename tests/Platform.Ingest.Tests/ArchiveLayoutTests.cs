using System.IO.Compression;
using Platform.Imaging;
using Platform.Imaging.Formats;
using Platform.Ingest.Datasets;
using Platform.Ingest.Sources;

namespace Platform.Ingest.Tests;

/// <summary>The archive reader against crafted zips, without a server: what is refused whole and what per entry.</summary>
public sealed class ArchiveLayoutTests
{
    private static readonly byte[] Valid = TestArchives.Zip(
    [
        new("cat/aaaaaaaa.png", TestArchives.Png(1)),
        new("cat/bbbbbbbb.png", TestArchives.Png(2)),
        new("dog/cccccccc.png", TestArchives.Png(3), Level: CompressionLevel.Optimal),
    ]);

    private static List<SourceItem> Read(byte[] zip)
    {
        var file = Path.Combine(Path.GetTempPath(), $"layout-{Guid.NewGuid():N}.zip");
        File.WriteAllBytes(file, zip);
        try
        {
            return [.. new ArchiveSource(file, ArchiveKind.Zip, "upload.zip", new IngestOptions()).Read(CancellationToken.None)];
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static UploadRejectedException Refused(byte[] zip) => Assert.Throws<UploadRejectedException>(() => Read(zip));

    [Fact]
    public void An_untouched_archive_reads_every_entry()
    {
        Assert.Equal(3, Read(Valid).OfType<EncodedImageItem>().Count());
    }

    [Fact]
    public void ZipCrypto_and_aes_encrypted_entries_are_rejected_each_as_encrypted_and_the_rest_kept()
    {
        var zip = TestArchives.Crafted(Valid, "cat/aaaaaaaa.png", (data, local, central) =>
        {
            data[local + 6] |= 1;
            data[central + 8] |= 1;
        });
        zip = TestArchives.Crafted(zip, "dog/cccccccc.png", (data, local, central) =>
        {
            data[local + 6] |= 1;
            data[central + 8] |= 1;
            TestArchives.WriteUInt16(data, local + 8, 99);
            TestArchives.WriteUInt16(data, central + 10, 99);
        });

        var items = Read(zip);

        Assert.Equal(["cat/aaaaaaaa.png", "dog/cccccccc.png"], items.OfType<RejectedItem>().Where(r => r.Reason == "encrypted").Select(r => r.Key));
        Assert.Equal("cat/bbbbbbbb.png", Assert.Single(items.OfType<EncodedImageItem>()).Key);
    }

    [Fact]
    public void A_local_header_name_that_differs_from_the_directory_name_refuses_the_archive_naming_both()
    {
        var zip = TestArchives.Crafted(Valid, "cat/aaaaaaaa.png", (data, local, _) =>
            System.Text.Encoding.UTF8.GetBytes("../../evil0.png!").CopyTo(data, local + 30));

        var refusal = Refused(zip);

        Assert.Equal("zip-name-mismatch", refusal.Reason);
        Assert.Contains("cat/aaaaaaaa.png", refusal.Message);
        Assert.Contains("../../evil0.png!", refusal.Message);
    }

    [Fact]
    public void Entries_sharing_bytes_of_the_file_refuse_the_archive()
    {
        var zip = TestArchives.Crafted(Valid, "cat/aaaaaaaa.png", (data, _, central) =>
            TestArchives.WriteUInt32(data, central + 20, TestArchives.ReadUInt32(data, central + 20) + 40));

        Assert.Equal("overlapping-entries", Refused(zip).Reason);
    }

    [Fact]
    public void An_entry_that_expands_beyond_its_declared_size_refuses_the_archive()
    {
        var zip = TestArchives.Crafted(Valid, "dog/cccccccc.png", (data, local, central) =>
        {
            TestArchives.WriteUInt32(data, local + 22, 64);
            TestArchives.WriteUInt32(data, central + 24, 64);
        });

        var refusal = Refused(zip);

        Assert.Equal("size-mismatch", refusal.Reason);
        Assert.Contains("dog/cccccccc.png", refusal.Message);
    }

    [Theory]
    [InlineData("../escape.png")]
    [InlineData("/etc/cron.d/x.png")]
    [InlineData("cat/../../up.png")]
    public void An_entry_with_an_escaping_name_refuses_the_archive_naming_it(string name)
    {
        var refusal = Refused(TestArchives.Zip([new("cat/ok.png", TestArchives.Png(1)), new(name, TestArchives.Png(2))]));

        Assert.Equal("unsafe-path", refusal.Reason);
        Assert.Contains(name, refusal.Message);
    }

    [Fact]
    public void An_escaping_name_inside_a_class_tar_refuses_the_whole_upload_too()
    {
        var inner = TarArchives.Tar([new("n01_1.JPEG", TestArchives.Jpeg(1)), new("../../escape.JPEG", TestArchives.Jpeg(2))]);
        var file = Path.Combine(Path.GetTempPath(), $"layout-{Guid.NewGuid():N}.tar");
        File.WriteAllBytes(file, TarArchives.Tar([new("n01.tar", inner)]));
        try
        {
            var refusal = Assert.Throws<UploadRejectedException>(() =>
                new ArchiveSource(file, ArchiveKind.Tar, "upload.tar", new IngestOptions()).Read(CancellationToken.None).ToList());

            Assert.Equal("unsafe-path", refusal.Reason);
            Assert.Contains("n01/../../escape.JPEG", refusal.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_end_of_a_jpeg_png_and_webp_is_found_so_an_appended_payload_is_cut()
    {
        var image = ImageBuffer.Create(24, 16, 3);
        new Random(5).NextBytes(image.Pixels);
        var payload = TestArchives.Zip([new("x.html", "<html><script>alert(1)</script></html>"u8.ToArray())]);
        foreach (var format in new[] { ImageFormat.Jpeg, ImageFormat.Png, ImageFormat.Webp })
        {
            var clean = ImageEncoder.Encode(image, format);
            var polyglot = clean.Concat(payload).ToArray();

            Assert.Equal(clean.Length, EncodedImageEnd.Find(clean, format));
            Assert.Equal(clean.Length, EncodedImageEnd.Find(polyglot, format));
            Assert.Null(EncodedImageEnd.Find(clean[..(clean.Length - 3)], format));
        }
    }
}
