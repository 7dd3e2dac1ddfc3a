using System.Buffers.Binary;
using System.Text.Json;
using Google.Protobuf;

namespace Platform.TensorBoard;

/// <summary>
/// Writes TensorBoard event files: TFRecord framing (uint64 length, masked CRC-32C of the length, data, masked CRC-32C
/// of the data, little-endian) around TensorFlow's <c>Event</c> protobufs, encoded with the published field numbers
/// (tensorflow/core/util/event.proto, tensorboard/compat/proto/summary.proto and histogram.proto, and the HParams
/// plugin's plugin_data.proto): scalars, histograms (<c>HistogramProto</c>) and the HParams plugin's session start and
/// end, which make TensorBoard's HParams dashboard list the run with its hyperparameters and metrics.
/// </summary>
public sealed class TensorBoardEventWriter(Stream output)
{
    public const string FileVersion = "brain.Event:2";

    /// <summary>The HParams plugin's name and the tags its summaries carry (tensorboard/plugins/hparams/metadata.py).</summary>
    public const string HParamsPlugin = "hparams";

    public const string SessionStartInfoTag = "_hparams_/session_start_info";
    public const string SessionEndInfoTag = "_hparams_/session_end_info";

    // Event
    private const int EventWallTime = 1, EventStep = 2, EventFileVersion = 3, EventSummary = 5;

    // Summary, Summary.Value, SummaryMetadata, SummaryMetadata.PluginData
    private const int SummaryValue = 1;
    private const int ValueTag = 1, ValueSimpleValue = 2, ValueHisto = 5, ValueTensor = 8, ValueMetadata = 9;
    private const int MetadataPluginData = 1, PluginName = 1, PluginContent = 2;

    // HistogramProto
    private const int HistoMin = 1, HistoMax = 2, HistoNum = 3, HistoSum = 4, HistoSumSquares = 5, HistoBucketLimit = 6, HistoBucket = 7;

    // HParamsPluginData, SessionStartInfo, SessionEndInfo
    private const int PluginDataSessionStart = 3, PluginDataSessionEnd = 4;
    private const int StartHParams = 1, StartGroupName = 4, StartTimeSecs = 5;
    private const int EndStatus = 1, EndTimeSecs = 2;

    // google.protobuf.Value; TensorProto, TensorShapeProto
    private const int NumberValue = 2, StringValue = 3, BoolValue = 4;
    private const int TensorDtype = 1, TensorShape = 2, ShapeDim = 2, DimSize = 1, DataTypeFloat = 1;

    public void WriteFileVersion(double wallTime) =>
        WriteEvent(wallTime, 0, e =>
        {
            e.WriteTag(EventFileVersion, WireFormat.WireType.LengthDelimited);
            e.WriteString(FileVersion);
        });

    public void WriteScalars(double wallTime, long step, IReadOnlyList<(string Tag, float Value)> scalars) =>
        WriteSummary(wallTime, step, scalars.Select(s => Value(s.Tag, v =>
        {
            v.WriteTag(ValueSimpleValue, WireFormat.WireType.Fixed32);
            v.WriteFloat(s.Value);
        })));

    public void WriteHistograms(double wallTime, long step, IReadOnlyList<(string Tag, TensorBoardHistogram Histogram)> histograms) =>
        WriteSummary(wallTime, step, histograms.Select(h => Value(h.Tag, v =>
        {
            v.WriteTag(ValueHisto, WireFormat.WireType.LengthDelimited);
            v.WriteBytes(Message(m => Encode(m, h.Histogram)));
        })));

    /// <summary>
    /// The HParams plugin's session start: the run's hyperparameters (numbers, booleans and strings as they are; lists
    /// and objects as their JSON text, since the dashboard shows scalars only). TensorBoard infers the experiment from
    /// every run's session start and takes the runs' scalars as its metrics, so runs written apart compare together.
    /// </summary>
    public void WriteHParamsSessionStart(double wallTime, IReadOnlyDictionary<string, JsonElement> hyperparameters, string? groupName = null) =>
        WriteHParams(wallTime, SessionStartInfoTag, PluginDataSessionStart, m =>
        {
            foreach (var (name, value) in hyperparameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                m.WriteTag(StartHParams, WireFormat.WireType.LengthDelimited);
                m.WriteBytes(Message(entry =>
                {
                    entry.WriteTag(1, WireFormat.WireType.LengthDelimited);
                    entry.WriteString(name);
                    entry.WriteTag(2, WireFormat.WireType.LengthDelimited);
                    entry.WriteBytes(Message(v => EncodeValue(v, value)));
                }));
            }
            if (!string.IsNullOrEmpty(groupName))
            {
                m.WriteTag(StartGroupName, WireFormat.WireType.LengthDelimited);
                m.WriteString(groupName);
            }
            m.WriteTag(StartTimeSecs, WireFormat.WireType.Fixed64);
            m.WriteDouble(wallTime);
        });

    public void WriteHParamsSessionEnd(double wallTime, HParamsSessionStatus status) =>
        WriteHParams(wallTime, SessionEndInfoTag, PluginDataSessionEnd, m =>
        {
            m.WriteTag(EndStatus, WireFormat.WireType.Varint);
            m.WriteEnum((int)status);
            m.WriteTag(EndTimeSecs, WireFormat.WireType.Fixed64);
            m.WriteDouble(wallTime);
        });

    private void WriteHParams(double wallTime, string tag, int field, Action<CodedOutputStream> info)
    {
        var content = Message(data =>
        {
            // Version 0 of the plugin data, as TensorBoard's own summaries write it (the default, so nothing on the wire).
            data.WriteTag(field, WireFormat.WireType.LengthDelimited);
            data.WriteBytes(Message(info));
        });
        WriteSummary(wallTime, 0, [Value(tag, v =>
        {
            v.WriteTag(ValueMetadata, WireFormat.WireType.LengthDelimited);
            v.WriteBytes(Message(metadata =>
            {
                metadata.WriteTag(MetadataPluginData, WireFormat.WireType.LengthDelimited);
                metadata.WriteBytes(Message(plugin =>
                {
                    plugin.WriteTag(PluginName, WireFormat.WireType.LengthDelimited);
                    plugin.WriteString(HParamsPlugin);
                    plugin.WriteTag(PluginContent, WireFormat.WireType.LengthDelimited);
                    plugin.WriteBytes(content);
                }));
            }));
            // An empty float tensor, as TensorBoard's hparams summaries carry: its data layer keeps only values with a tensor.
            v.WriteTag(ValueTensor, WireFormat.WireType.LengthDelimited);
            v.WriteBytes(Message(tensor =>
            {
                tensor.WriteTag(TensorDtype, WireFormat.WireType.Varint);
                tensor.WriteEnum(DataTypeFloat);
                tensor.WriteTag(TensorShape, WireFormat.WireType.LengthDelimited);
                tensor.WriteBytes(Message(shape =>
                {
                    shape.WriteTag(ShapeDim, WireFormat.WireType.LengthDelimited);
                    shape.WriteBytes(Message(dim =>
                    {
                        dim.WriteTag(DimSize, WireFormat.WireType.Varint);
                        dim.WriteInt64(0);
                    }));
                }));
            }));
        })]);
    }

    private static void EncodeValue(CodedOutputStream v, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                v.WriteTag(NumberValue, WireFormat.WireType.Fixed64);
                v.WriteDouble(value.GetDouble());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                v.WriteTag(BoolValue, WireFormat.WireType.Varint);
                v.WriteBool(value.GetBoolean());
                break;
            case JsonValueKind.String:
                v.WriteTag(StringValue, WireFormat.WireType.LengthDelimited);
                v.WriteString(value.GetString()!);
                break;
            default:
                v.WriteTag(StringValue, WireFormat.WireType.LengthDelimited);
                v.WriteString(value.GetRawText());
                break;
        }
    }

    private static void Encode(CodedOutputStream m, TensorBoardHistogram histogram)
    {
        m.WriteTag(HistoMin, WireFormat.WireType.Fixed64);
        m.WriteDouble(histogram.Min);
        m.WriteTag(HistoMax, WireFormat.WireType.Fixed64);
        m.WriteDouble(histogram.Max);
        m.WriteTag(HistoNum, WireFormat.WireType.Fixed64);
        m.WriteDouble(histogram.Count);
        m.WriteTag(HistoSum, WireFormat.WireType.Fixed64);
        m.WriteDouble(histogram.Sum);
        m.WriteTag(HistoSumSquares, WireFormat.WireType.Fixed64);
        m.WriteDouble(histogram.SumSquares);
        WritePacked(m, HistoBucketLimit, histogram.BucketLimits);
        WritePacked(m, HistoBucket, histogram.BucketCounts);
    }

    private static void WritePacked(CodedOutputStream m, int field, IReadOnlyList<double> values)
    {
        m.WriteTag(field, WireFormat.WireType.LengthDelimited);
        m.WriteLength(values.Count * sizeof(double));
        foreach (var value in values)
        {
            m.WriteDouble(value);
        }
    }

    private static Action<CodedOutputStream> Value(string tag, Action<CodedOutputStream> value) => v =>
    {
        v.WriteTag(ValueTag, WireFormat.WireType.LengthDelimited);
        v.WriteString(tag);
        value(v);
    };

    private void WriteSummary(double wallTime, long step, IEnumerable<Action<CodedOutputStream>> values) =>
        WriteEvent(wallTime, step, e =>
        {
            var summary = Message(s =>
            {
                foreach (var value in values)
                {
                    s.WriteTag(SummaryValue, WireFormat.WireType.LengthDelimited);
                    s.WriteBytes(Message(value));
                }
            });
            e.WriteTag(EventSummary, WireFormat.WireType.LengthDelimited);
            e.WriteBytes(summary);
        });

    private void WriteEvent(double wallTime, long step, Action<CodedOutputStream> what)
    {
        var data = Message(e =>
        {
            e.WriteTag(EventWallTime, WireFormat.WireType.Fixed64);
            e.WriteDouble(wallTime);
            if (step != 0)
            {
                e.WriteTag(EventStep, WireFormat.WireType.Varint);
                e.WriteInt64(step);
            }
            what(e);
        });
        WriteRecord(data.Span);
    }

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return ByteString.CopyFrom(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private void WriteRecord(ReadOnlySpan<byte> data)
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
