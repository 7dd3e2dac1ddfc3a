using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

/// <summary>
/// Writes a CIFAR-10 binary archive as published (<c>cifar-10-batches-bin/</c>: five training batches, the test batch,
/// <c>batches.meta.txt</c>) of generated records: a label byte and 3,072 pixel bytes each, every record distinct.
/// </summary>
internal static class CifarBenchArchive
{
    private const int RecordBytes = 1 + 3072;

    public static long Write(string path, int trainRecords, int testRecords)
    {
        var random = new Random(17);
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "cifar-10-batches-bin/"));
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "cifar-10-batches-bin/batches.meta.txt")
            {
                DataStream = new MemoryStream(Encoding.ASCII.GetBytes("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n")),
            });
            var perBatch = (trainRecords + 4) / 5;
            for (var batch = 0; batch < 5; batch++)
            {
                var count = Math.Min(perBatch, trainRecords - batch * perBatch);
                WriteBatch(tar, $"cifar-10-batches-bin/data_batch_{batch + 1}.bin", Math.Max(0, count), random);
            }
            WriteBatch(tar, "cifar-10-batches-bin/test_batch.bin", testRecords, random);
        }
        return new FileInfo(path).Length;
    }

    private static void WriteBatch(TarWriter tar, string name, int records, Random random)
    {
        var data = new byte[records * RecordBytes];
        random.NextBytes(data);
        for (var i = 0; i < records; i++)
        {
            data[i * RecordBytes] = (byte)(i % 10);
        }
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
    }
}
