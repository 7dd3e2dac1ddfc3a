using System.IO.Compression;
using Platform.Cli.Commands;
using Platform.Testing;

namespace Platform.Cli.Tests;

public sealed class UploadSourceTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("platform-cli-upload-").FullName;

    [Fact]
    public async Task An_idx_pair_is_recognised_by_its_magic_numbers_in_either_order()
    {
        var images = Path.Combine(RepositoryPaths.FashionMnistFolder, "t10k-images-idx3-ubyte.gz");
        var labels = Path.Combine(RepositoryPaths.FashionMnistFolder, "t10k-labels-idx1-ubyte.gz");
        using var context = Context();

        using var upload = UploadSource.Prepare([labels, images], context);
        using var request = upload.CreateRequest(new Uri("http://localhost/datasets"), _ => { });

        var parts = ((MultipartFormDataContent)request.Content!).ToList();
        Assert.Equal(["images", "labels"], parts.Select(p => p.Headers.ContentDisposition!.Name!.Trim('"')));
        Assert.Equal(new FileInfo(images).Length + new FileInfo(labels).Length, upload.TotalBytes);
        Assert.Equal(new FileInfo(images).Length, (await parts[0].ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public void Two_files_that_are_not_an_idx_pair_are_refused_saying_what_each_is()
    {
        var text = Path.Combine(folder, "notes.txt");
        File.WriteAllText(text, "hello");
        using var context = Context();

        var failure = Assert.Throws<CliException>(() => UploadSource.Prepare([text, Path.Combine(RepositoryPaths.FashionMnistFolder, "t10k-labels-idx1-ubyte.gz")], context));

        Assert.Equal(ExitCodes.InvalidInput, failure.ExitCode);
        Assert.Contains("notes.txt (not IDX)", failure.Message);
        Assert.Contains("(IDX labels)", failure.Message);
    }

    [Fact]
    public async Task A_folder_is_sent_as_a_zip_of_its_class_folders_and_the_temporary_zip_is_removed()
    {
        Directory.CreateDirectory(Path.Combine(folder, "cats"));
        Directory.CreateDirectory(Path.Combine(folder, "dogs"));
        File.WriteAllBytes(Path.Combine(folder, "cats", "a.png"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(folder, "dogs", "b.png"), [4, 5]);
        using var context = Context();
        var before = TemporaryZips();

        var upload = UploadSource.Prepare([folder], context);
        var created = Assert.Single(TemporaryZips().Except(before));
        using (var request = upload.CreateRequest(new Uri("http://localhost/datasets"), _ => { }))
        {
            using var zip = new ZipArchive(new MemoryStream(await request.Content!.ReadAsByteArrayAsync()));
            Assert.Equal(["cats/a.png", "dogs/b.png"], zip.Entries.Select(e => e.FullName.Replace('\\', '/')).Order());
        }
        upload.Dispose();

        Assert.False(File.Exists(created));
    }

    [Theory]
    [InlineData("cifar-10-binary.tar.gz")]
    [InlineData("cifar-10-python.tar.gz")]
    [InlineData("ILSVRC2012_img_train.tar")]
    [InlineData("labelimg-voc.zip")]
    public async Task An_archive_is_sent_as_it_is_whatever_it_holds(string fileName)
    {
        var archive = Path.Combine(folder, fileName);
        var bytes = new byte[70_000];
        new Random(fileName.Length).NextBytes(bytes);
        File.WriteAllBytes(archive, bytes);
        using var context = Context();

        using var upload = UploadSource.Prepare([archive], context);
        using var request = upload.CreateRequest(new Uri("http://localhost/datasets"), _ => { });

        Assert.Equal(bytes, await request.Content!.ReadAsByteArrayAsync());
        Assert.Equal("application/octet-stream", request.Content.Headers.ContentType!.MediaType);
        Assert.Equal(fileName, upload.Description);
    }

    [Fact]
    public void A_single_idx_file_or_a_missing_path_is_refused()
    {
        using var context = Context();

        var lone = Assert.Throws<CliException>(() => UploadSource.Prepare([Path.Combine(RepositoryPaths.FashionMnistFolder, "t10k-images-idx3-ubyte.gz")], context));
        var missing = Assert.Throws<CliException>(() => UploadSource.Prepare([Path.Combine(folder, "absent.zip")], context));

        Assert.Contains("give the images and the labels file together", lone.Message);
        Assert.Contains("does not exist", missing.Message);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static string[] TemporaryZips() => Directory.GetFiles(Path.GetTempPath(), "platform-upload-*.zip");

    private static CliContext Context() =>
        new(new Http.ServiceEndpoints(new Uri("http://localhost:1"), new Uri("http://localhost:2"), new Uri("http://localhost:3")), json: false,
            TextWriter.Null, TextWriter.Null, interactive: false);
}
