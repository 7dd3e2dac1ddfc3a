using System.Formats.Tar;
using System.IO.Compression;

namespace Platform.Ingest.Tests;

/// <summary>Builds tar and tar.gz archives in memory: files, folders (null content) and symbolic links.</summary>
internal static class TarArchives
{
    public sealed record Entry(string Path, byte[]? Content, string? LinkTarget = null);

    public static byte[] Tar(IEnumerable<Entry> entries, bool gzip = false, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var buffer = new MemoryStream();
        using (var output = gzip ? new GZipStream(buffer, level, leaveOpen: true) : (Stream)new NonClosing(buffer))
        using (var writer = new TarWriter(output, TarEntryFormat.Pax))
        {
            foreach (var entry in entries)
            {
                var type = entry.LinkTarget is not null ? TarEntryType.SymbolicLink : entry.Content is null ? TarEntryType.Directory : TarEntryType.RegularFile;
                var tarEntry = new PaxTarEntry(type, entry.Path);
                if (entry.LinkTarget is not null)
                {
                    tarEntry.LinkName = entry.LinkTarget;
                }
                else if (entry.Content is not null)
                {
                    tarEntry.DataStream = new MemoryStream(entry.Content);
                }
                writer.WriteEntry(tarEntry);
            }
        }
        return buffer.ToArray();
    }

    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
