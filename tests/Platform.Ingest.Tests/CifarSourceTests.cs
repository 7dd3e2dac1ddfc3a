using Platform.Contracts.Datasets;
using Platform.Ingest.Datasets;
using Platform.Ingest.Sources;
using static Platform.Ingest.Tests.CifarArchives;

namespace Platform.Ingest.Tests;

public sealed class CifarSourceTests : IDisposable
{
    private readonly string file = Path.GetTempFileName();

    [Fact]
    public void A_batch_over_the_batch_size_limit_fails_the_upload_before_it_is_read_whole()
    {
        var batch = Enumerable.Range(0, 4).Select(i => new Image(i, Planes(i))).ToList();
        File.WriteAllBytes(file, Cifar10Python([batch], batch));
        using var source = new CifarSource(file, ArchiveKind.TarGzip, "cifar-10-python.tar.gz", IngestSettings.Default,
            new IngestOptions { MaxBatchBytes = 10_000 });

        var refusal = Assert.Throws<UploadRejectedException>(() => source.Read(CancellationToken.None).ToList());

        Assert.Equal("batch-too-large", refusal.Reason);
        Assert.Contains("cifar-10-batches-py/data_batch_1", refusal.Message);
    }

    [Fact]
    public void A_cifar_archive_is_recognised_by_its_published_folder_and_an_image_archive_is_not()
    {
        File.WriteAllBytes(file, Cifar10Binary([[new Image(1, Planes(1))]], [new Image(2, Planes(2))]));
        var images = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(images, TarArchives.Tar([new("cat/1.png", TestArchives.Png(1)), new("dog/2.png", TestArchives.Png(2))], gzip: true));

            Assert.True(CifarSource.Detect(file, ArchiveKind.TarGzip));
            Assert.False(CifarSource.Detect(images, ArchiveKind.TarGzip));
        }
        finally
        {
            File.Delete(images);
        }
    }

    [Theory]
    [InlineData(ArchiveKind.Zip)]
    [InlineData(ArchiveKind.TarGzip)]
    public void A_cifar_archive_with_an_escaping_name_is_refused_exactly_as_a_folder_archive_is(ArchiveKind kind)
    {
        var batch = BinaryBatch([new Image(1, Planes(1))]);
        const string escaping = "cifar-10-batches-bin/../../escape.bin";
        File.WriteAllBytes(file, kind == ArchiveKind.Zip
            ? TestArchives.Zip([new("cifar-10-batches-bin/test_batch.bin", batch), new(escaping, batch)])
            : TarGz([("cifar-10-batches-bin/test_batch.bin", batch), (escaping, batch)]));
        using var cifar = new CifarSource(file, kind, "upload", IngestSettings.Default, new IngestOptions());
        using var folders = new ArchiveSource(file, kind, "upload", new IngestOptions());

        var cifarRefusal = Assert.Throws<UploadRejectedException>(() => cifar.Read(CancellationToken.None).ToList());
        var folderRefusal = Assert.Throws<UploadRejectedException>(() => folders.Read(CancellationToken.None).ToList());

        Assert.Equal("unsafe-path", cifarRefusal.Reason);
        Assert.Contains(escaping, cifarRefusal.Message);
        Assert.Equal((folderRefusal.Reason, folderRefusal.Message), (cifarRefusal.Reason, cifarRefusal.Message));
    }

    public void Dispose() => File.Delete(file);
}
