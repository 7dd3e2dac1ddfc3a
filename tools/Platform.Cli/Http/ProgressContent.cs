using System.Net;

namespace Platform.Cli.Http;

/// <summary>A file sent as a request body that reports how many bytes have gone out.</summary>
public sealed class ProgressContent(string path, Action<long> sent) : HttpContent
{
    private const int ChunkBytes = 256 * 1024;

    public long Length { get; } = new FileInfo(path).Length;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes, useAsync: true);
        var buffer = new byte[ChunkBytes];
        long total = 0;
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            total += read;
            sent(total);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = Length;
        return true;
    }
}
