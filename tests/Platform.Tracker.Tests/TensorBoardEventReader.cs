using System.Buffers.Binary;
using Google.Protobuf;
using Platform.Tracker.TensorBoard;

namespace Platform.Tracker.Tests;

/// <summary>Reads TensorBoard event files back, checking both CRCs of every record.</summary>
internal static class TensorBoardEventReader
{
    public static IReadOnlyList<TensorBoardEvent> Read(byte[] file)
    {
        var events = new List<TensorBoardEvent>();
        var offset = 0;
        while (offset < file.Length)
        {
            if (file.Length - offset < 12)
            {
                throw new InvalidDataException($"Truncated record header at byte {offset}.");
            }
            var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(offset)));
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 8)) != Crc32C.Masked(file.AsSpan(offset, 8)))
            {
                throw new InvalidDataException($"The length CRC of the record at byte {offset} does not match.");
            }
            if (file.Length - offset - 12 < length + 4)
            {
                throw new InvalidDataException($"Truncated record at byte {offset}.");
            }
            var data = file.AsSpan(offset + 12, length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 12 + length)) != Crc32C.Masked(data))
            {
                throw new InvalidDataException($"The data CRC of the record at byte {offset} does not match.");
            }
            events.Add(Decode(data.ToArray()));
            offset += 12 + length + 4;
        }
        return events;
    }

    private static TensorBoardEvent Decode(byte[] data)
    {
        var input = new CodedInputStream(data);
        double wallTime = 0;
        long step = 0;
        string? version = null;
        var scalars = new List<(string, float)>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: wallTime = input.ReadDouble(); break;
                case 2: step = input.ReadInt64(); break;
                case 3: version = input.ReadString(); break;
                case 5:
                    var summary = new CodedInputStream(input.ReadBytes().ToByteArray());
                    uint summaryTag;
                    while ((summaryTag = summary.ReadTag()) != 0)
                    {
                        if (WireFormat.GetTagFieldNumber(summaryTag) != 1)
                        {
                            summary.SkipLastField();
                            continue;
                        }
                        var value = new CodedInputStream(summary.ReadBytes().ToByteArray());
                        var (name, number) = ("", 0f);
                        uint valueTag;
                        while ((valueTag = value.ReadTag()) != 0)
                        {
                            switch (WireFormat.GetTagFieldNumber(valueTag))
                            {
                                case 1: name = value.ReadString(); break;
                                case 2: number = value.ReadFloat(); break;
                                default: value.SkipLastField(); break;
                            }
                        }
                        scalars.Add((name, number));
                    }
                    break;
                default: input.SkipLastField(); break;
            }
        }
        return new TensorBoardEvent(wallTime, step, version, scalars);
    }
}
