using System.Diagnostics;
using System.IO.Compression;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Platform.Contracts.Datasets;
using Platform.Imaging;
using Platform.Ingest.Datasets;
using Platform.Ingest.Processing;
using Platform.Ingest.Sources;
using Platform.Testing;
using Platform.Imaging.Formats;

// Ingest throughput: an archive of 200×200 JPEGs (art4apps, repeated with a changed pixel so none is a
// duplicate) through the real pipeline into shards on a local Azurite, beside the raw blob put rate of
// the same bytes in the same run. Usage: dotnet run -c Release --project bench/Platform.Bench.Ingest [-- images]
// With "cifar [train test]": a CIFAR-10-sized binary archive (cifar-10-binary.tar.gz layout, 50,000 + 10,000
// generated records by default) through the same pipeline.
if (args.Length > 0 && args[0] == "embedding")
{
    return HealthEmbeddingBench.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 256);
}
// "--health on|off" (anywhere) sets the upload's health option; default off, the ingest figures before the check existed.
var healthIndex = Array.IndexOf(args, "--health");
var health = healthIndex >= 0 && args[healthIndex + 1] == "on" ? HealthMode.On : HealthMode.Off;
args = healthIndex >= 0 ? args.Where((_, i) => i != healthIndex && i != healthIndex + 1).ToArray() : args;
var cifar = args.Length > 0 && args[0] == "cifar";
// "art4apps": the whole installed art4apps set as it is (every class folder), for the health check's cost on real pictures.
var wholeArt4Apps = args.Length > 0 && args[0] == "art4apps";
var imageCount = !cifar && !wholeArt4Apps && args.Length > 0 ? int.Parse(args[0]) : 3000;
var work = Directory.CreateTempSubdirectory("ingest-bench-").FullName;
var archivePath = Path.Combine(work, cifar ? "cifar-10-binary.tar.gz" : "images.zip");
long archiveBytes = 0;
if (cifar)
{
    var (train, test) = (args.Length > 1 ? int.Parse(args[1]) : 50_000, args.Length > 2 ? int.Parse(args[2]) : 10_000);
    archiveBytes = CifarBenchArchive.Write(archivePath, train, test);
    imageCount = train + test;
}
else if (wholeArt4Apps)
{
    var art = RepositoryPaths.RequireFolder(Path.Combine(RepositoryPaths.Data, "art4apps"), "run scripts/setup.sh");
    using (var archive = ZipFile.Open(archivePath, ZipArchiveMode.Create))
    {
        foreach (var file in Directory.GetDirectories(art).Order(StringComparer.Ordinal).SelectMany(d => Directory.GetFiles(d, "*.jpg").Order(StringComparer.Ordinal)))
        {
            archive.CreateEntryFromFile(file, $"{Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)}", CompressionLevel.NoCompression);
        }
    }
    archiveBytes = new FileInfo(archivePath).Length;
}
else
{
    var art = RepositoryPaths.RequireFolder(Path.Combine(RepositoryPaths.Data, "art4apps"), "run scripts/setup.sh");
    var originals = Directory.GetDirectories(art).OrderBy(d => d, StringComparer.Ordinal).Take(4)
        .SelectMany(folder => Directory.GetFiles(folder, "*.jpg").Select(file => (Class: Path.GetFileName(folder), File: file)))
        .ToList();
    using (var archive = ZipFile.Open(archivePath, ZipArchiveMode.Create))
    {
        for (var i = 0; i < imageCount; i++)
        {
            var (label, file) = originals[i % originals.Count];
            var image = ImageDecoder.Decode(File.ReadAllBytes(file));
            // An 8×8 block whose position and shade encode i survives JPEG re-encoding, so no two files are duplicates.
            var (blockX, blockY) = (i / originals.Count % 24 * 8, i / originals.Count / 24 % 24 * 8);
            for (var y = blockY; y < blockY + 8; y++)
            {
                for (var x = blockX; x < blockX + 8; x++)
                {
                    image.Pixels[(y * image.Width + x) * 3] = (byte)(i * 37 % 256);
                }
            }
            var jpeg = ImageEncoder.Encode(image, ImageFormat.Jpeg, 90);
            archiveBytes += jpeg.Length;
            using var entry = archive.CreateEntry($"{label}/{i:D6}.jpg", CompressionLevel.NoCompression).Open();
            entry.Write(jpeg);
        }
    }
}

await using var servers = await LocalServers.StartAsync(blobs: true, messaging: false);
var blobs = new BlobServiceClient(servers.BlobConnectionString);
var options = Options.Create(new IngestOptions());
var store = new DatasetStore(blobs, TimeProvider.System);
var healthCheck = new Platform.Ingest.Health.HealthCheck(
    new Platform.Ingest.Health.ImageEmbedderProvider(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<Platform.Ingest.Health.ImageEmbedderProvider>.Instance),
    store, options, Microsoft.Extensions.Logging.Abstractions.NullLogger<Platform.Ingest.Health.HealthCheck>.Instance);
var pipeline = new IngestPipeline(store, healthCheck, options, TimeProvider.System);

// Warm-up on a small archive so JIT and connection set-up are not measured.
await RunAsync("warmup", archivePath, maxSeconds: 2);

var stopwatch = Stopwatch.StartNew();
var process = Process.GetCurrentProcess();
var cpuBefore = process.TotalProcessorTime;
var result = await RunAsync("bench", archivePath, maxSeconds: null);
var ingestSeconds = stopwatch.Elapsed.TotalSeconds;
process.Refresh();
var cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
var shardBytes = result.Manifest.Shards.Sum(s => s.Bytes);
var samples = result.Manifest.Shards.Sum(s => s.Samples);

// Raw puts of the same volume, in blobs of the same size as the shards.
var container = blobs.GetBlobContainerClient("raw-put-bench");
await container.CreateIfNotExistsAsync();
var payload = new byte[Math.Max(1, shardBytes / Math.Max(1, result.Manifest.Shards.Count))];
Random.Shared.NextBytes(payload);
stopwatch.Restart();
for (var i = 0; i < result.Manifest.Shards.Count; i++)
{
    await using var stream = container.GetBlobClient($"blob-{i}").OpenWrite(overwrite: true);
    await stream.WriteAsync(payload);
}
var putSeconds = stopwatch.Elapsed.TotalSeconds;
var putMegabytesPerSecond = payload.Length * result.Manifest.Shards.Count / 1e6 / putSeconds;

Console.WriteLine($"""
    | Measure (same run) | Value |
    |---|---|
    | Images ingested ({(cifar ? "32×32 CIFAR-10 binary records, tar.gz" : "200×200 JPEG")}, {archiveBytes / 1e6:F1} MB archive) | {samples} |
    | Ingest wall time | {ingestSeconds:F1} s |
    | Ingest throughput | **{samples / ingestSeconds:F0} img/s** ({samples / cpuSeconds:F0} img/s per CPU-second) |
    | Shard bytes written | {shardBytes / 1e6:F1} MB ({shardBytes / 1e6 / ingestSeconds:F1} MB/s) |
    | Raw blob put rate, same bytes in {result.Manifest.Shards.Count} blob(s) | {putMegabytesPerSecond:F1} MB/s |
    | Health check | {health.ToString().ToLowerInvariant()}: {result.Report.Health?.Status.ToString().ToLowerInvariant()} in {result.Report.Health?.Seconds:F1} s ({result.Report.Health?.NearDuplicates.Count} near-duplicate pairs, {result.Report.Health?.LabelIssues.Count} label issues, {result.Report.Health?.Outliers.Count} outliers) |
    """);
Directory.Delete(work, recursive: true);
return 0;

async Task<IngestResult> RunAsync(string name, string archive, int? maxSeconds)
{
    var record = await store.CreateVersionAsync(name, IngestSettings.Default with { Health = health }, "benchmark", CancellationToken.None);
    using IIngestSource source = cifar
        ? new CifarSource(archive, ArchiveKind.TarGzip, "cifar-10-binary.tar.gz", IngestSettings.Default, options.Value)
        : new ArchiveSource(archive, ArchiveKind.Zip, "images.zip", options.Value);
    using var timeout = maxSeconds is { } seconds ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
    try
    {
        return await pipeline.RunAsync(record, source, [], new IngestProgressCounter(), timeout.Token);
    }
    catch (OperationCanceledException) when (maxSeconds is not null)
    {
        return null!;
    }
}
