using System.Buffers.Binary;
using Google.Protobuf;

namespace Platform.Tracker.TensorBoard;

/// <summary>
/// Writes TensorBoard event files: TFRecord framing (uint64 length, masked CRC-32C of the length, data, masked CRC-32C
/// of the data, little-endian) around <c>Event</c> protobufs (wall_time = 1, step = 2, file_version = 3, summary = 5 →
/// Summary.value = 1 → Value {tag = 1, simple_value = 2}).
/// </summary>
public sealed class TensorBoardEventWriter(Stream output)
{
    public const string FileVersion = "brain.Event:2";

    public void WriteFileVersion(double wallTime) => WriteRecord(Encode(new TensorBoardEvent(wallTime, 0, FileVersion, [])));

    public void WriteScalars(double wallTime, long step, IReadOnlyList<(string Tag, float Value)> scalars) =>
        WriteRecord(Encode(new TensorBoardEvent(wallTime, step, null, scalars)));

    private static byte[] Encode(TensorBoardEvent e)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(1, WireFormat.WireType.Fixed64);
        output.WriteDouble(e.WallTime);
        if (e.Step != 0)
        {
            output.WriteTag(2, WireFormat.WireType.Varint);
            output.WriteInt64(e.Step);
        }
        if (e.FileVersion is not null)
        {
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteString(e.FileVersion);
        }
        if (e.Scalars.Count > 0)
        {
            using var summary = new MemoryStream();
            var summaryOutput = new CodedOutputStream(summary);
            foreach (var (tag, value) in e.Scalars)
            {
                using var entry = new MemoryStream();
                var entryOutput = new CodedOutputStream(entry);
                entryOutput.WriteTag(1, WireFormat.WireType.LengthDelimited);
                entryOutput.WriteString(tag);
                entryOutput.WriteTag(2, WireFormat.WireType.Fixed32);
                entryOutput.WriteFloat(value);
                entryOutput.Flush();
                summaryOutput.WriteTag(1, WireFormat.WireType.LengthDelimited);
                summaryOutput.WriteBytes(ByteString.CopyFrom(entry.ToArray()));
            }
            summaryOutput.Flush();
            output.WriteTag(5, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(summary.ToArray()));
        }
        output.Flush();
        return buffer.ToArray();
    }

    private void WriteRecord(byte[] data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        output.Write(header);
        output.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        output.Write(footer);
    }
}
