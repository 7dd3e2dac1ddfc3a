using Google.Protobuf;
using Conventions = Platform.Contracts.Telemetry.TrainingTelemetryConventions;

namespace Platform.Tracker.Tests;

/// <summary>
/// Builds OTLP ExportTraceServiceRequest bytes by hand (field numbers of opentelemetry-proto), for batches an SDK would
/// not send on purpose: the same batch twice, epochs out of order, every AnyValue kind.
/// </summary>
public static class OtlpRequests
{
    public sealed record Span(string Name, byte[] TraceId, byte[] SpanId, ulong Start, ulong End, IReadOnlyList<(string Key, object Value)> Attributes,
        int StatusCode = 0, string? StatusMessage = null, IReadOnlyList<(string Name, ulong Time, IReadOnlyList<(string Key, object Value)> Attributes)>? Events = null);

    public static byte[] TraceId(Guid id) => id.ToByteArray();

    public static byte[] SpanId(long n) => BitConverter.GetBytes(n);

    public static Span Epoch(Guid runId, long step, IReadOnlyList<(string Metric, double Value)> metrics) =>
        new(Conventions.EpochSpan, TraceId(runId), SpanId(1000 + step), 1_700_000_000_000_000_000UL + (ulong)step * 1_000_000_000UL,
            1_700_000_000_500_000_000UL + (ulong)step * 1_000_000_000UL,
            [(Conventions.RunId, runId.ToString()), (Conventions.Step, step), .. metrics.Select(m => (Conventions.Metric(m.Metric), (object)m.Value))]);

    public static byte[] Request(params Span[] spans)
    {
        var scope = Message(output =>
        {
            foreach (var span in spans)
            {
                WriteMessage(output, 2, EncodeSpan(span));
            }
        });
        var resourceSpans = Message(output => WriteMessage(output, 2, scope));
        return Message(output => WriteMessage(output, 1, resourceSpans));
    }

    private static byte[] EncodeSpan(Span span) => Message(output =>
    {
        WriteBytes(output, 1, span.TraceId);
        WriteBytes(output, 2, span.SpanId);
        output.WriteTag(5, WireFormat.WireType.LengthDelimited);
        output.WriteString(span.Name);
        output.WriteTag(7, WireFormat.WireType.Fixed64);
        output.WriteFixed64(span.Start);
        output.WriteTag(8, WireFormat.WireType.Fixed64);
        output.WriteFixed64(span.End);
        foreach (var (key, value) in span.Attributes)
        {
            WriteMessage(output, 9, KeyValue(key, value));
        }
        foreach (var (name, time, attributes) in span.Events ?? [])
        {
            WriteMessage(output, 11, Message(e =>
            {
                e.WriteTag(1, WireFormat.WireType.Fixed64);
                e.WriteFixed64(time);
                e.WriteTag(2, WireFormat.WireType.LengthDelimited);
                e.WriteString(name);
                foreach (var (key, value) in attributes)
                {
                    WriteMessage(e, 3, KeyValue(key, value));
                }
            }));
        }
        if (span.StatusCode != 0)
        {
            WriteMessage(output, 15, Message(status =>
            {
                if (span.StatusMessage is not null)
                {
                    status.WriteTag(2, WireFormat.WireType.LengthDelimited);
                    status.WriteString(span.StatusMessage);
                }
                status.WriteTag(3, WireFormat.WireType.Varint);
                status.WriteEnum(span.StatusCode);
            }));
        }
    });

    private static byte[] KeyValue(string key, object value) => Message(output =>
    {
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString(key);
        WriteMessage(output, 2, AnyValue(value));
    });

    private static byte[] AnyValue(object value) => Message(output =>
    {
        switch (value)
        {
            case string s:
                output.WriteTag(1, WireFormat.WireType.LengthDelimited);
                output.WriteString(s);
                break;
            case bool b:
                output.WriteTag(2, WireFormat.WireType.Varint);
                output.WriteBool(b);
                break;
            case long or int:
                output.WriteTag(3, WireFormat.WireType.Varint);
                output.WriteInt64(Convert.ToInt64(value));
                break;
            case double d:
                output.WriteTag(4, WireFormat.WireType.Fixed64);
                output.WriteDouble(d);
                break;
            case object[] array:
                WriteMessage(output, 5, Message(list =>
                {
                    foreach (var item in array)
                    {
                        WriteMessage(list, 1, AnyValue(item));
                    }
                }));
                break;
            case byte[] bytes:
                WriteBytes(output, 7, bytes);
                break;
            default:
                throw new ArgumentException($"No AnyValue for {value.GetType()}.");
        }
    });

    private static void WriteBytes(CodedOutputStream output, int field, byte[] bytes)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(bytes));
    }

    private static void WriteMessage(CodedOutputStream output, int field, byte[] message) => WriteBytes(output, field, message);

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return stream.ToArray();
    }
}
