using System.Buffers.Binary;
using Platform.TensorBoard;
using Platform.Testing.TensorBoardSchema;
using Platform.Testing.TensorBoardSchema.HParams;

namespace Platform.Testing.TensorBoard;

/// <summary>
/// Reads TensorBoard event files back as TensorBoard does: TFRecords (both CRCs checked) decoded with the published
/// schema (Protos beside this file), and the figures the tests look at (scalars, histograms, HParams sessions) pulled out.
/// </summary>
public static class TensorBoardRecords
{
    public static IReadOnlyList<Event> Read(byte[] file)
    {
        var events = new List<Event>();
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
            events.Add(Event.Parser.ParseFrom(data));
            offset += 12 + length + 4;
        }
        return events;
    }

    /// <summary>Every event of every event file under <paramref name="directory"/>, the files in name order (TensorBoard's).</summary>
    public static IReadOnlyList<Event> ReadDirectory(string directory) =>
        Directory.GetFiles(directory, "events.out.tfevents*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .SelectMany(file => Read(File.ReadAllBytes(file))).ToList();

    public static Dictionary<string, List<(long Step, float Value)>> Scalars(IEnumerable<Event> events) =>
        Values(events, Summary.Types.Value.ValueOneofCase.SimpleValue, v => v.SimpleValue);

    public static Dictionary<string, List<(long Step, HistogramProto Histogram)>> Histograms(IEnumerable<Event> events) =>
        Values(events, Summary.Types.Value.ValueOneofCase.Histo, v => v.Histo);

    /// <summary>The HParams plugin data of the summaries tagged <paramref name="tag"/> (session start or end), in file order.</summary>
    public static List<HParamsPluginData> HParams(IEnumerable<Event> events, string tag) =>
        events.SelectMany(e => e.Summary?.Value ?? [])
            .Where(v => v.Tag == tag && v.Metadata?.PluginData?.PluginName == TensorBoardEventWriter.HParamsPlugin)
            .Select(v => HParamsPluginData.Parser.ParseFrom(v.Metadata.PluginData.Content)).ToList();

    private static Dictionary<string, List<(long Step, T Value)>> Values<T>(IEnumerable<Event> events, Summary.Types.Value.ValueOneofCase kind,
        Func<Summary.Types.Value, T> read)
    {
        var values = new Dictionary<string, List<(long, T)>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            foreach (var value in e.Summary?.Value ?? [])
            {
                if (value.ValueCase == kind)
                {
                    values.TryAdd(value.Tag, []);
                    values[value.Tag].Add((e.Step, read(value)));
                }
            }
        }
        return values;
    }
}
