using System.Runtime.InteropServices;
using Google.Protobuf;

namespace Platform.Tracker.Otlp;

/// <summary>
/// Decodes an OTLP/HTTP protobuf <c>ExportTraceServiceRequest</c>. Field numbers follow opentelemetry-proto
/// (collector/trace/v1/trace_service.proto, trace/v1/trace.proto, common/v1/common.proto); unknown fields are
/// skipped, as protobuf requires, so newer exporters still decode.
/// </summary>
public static class OtlpProtobufReader
{
    public static IReadOnlyList<OtlpSpan> ReadTraces(byte[] body)
    {
        try
        {
            var spans = new List<OtlpSpan>();
            var input = new CodedInputStream(body);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 1)
                {
                    ReadResourceSpans(Nested(input), spans);
                }
                else
                {
                    input.SkipLastField();
                }
            }
            return spans;
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new OtlpFormatException($"The body is not a valid OTLP ExportTraceServiceRequest: {exception.Message}", exception);
        }
    }

    private static CodedInputStream Nested(CodedInputStream input)
    {
        var bytes = input.ReadBytes();
        return MemoryMarshal.TryGetArray(bytes.Memory, out var segment)
            ? new CodedInputStream(segment.Array!, segment.Offset, segment.Count)
            : new CodedInputStream(bytes.ToByteArray());
    }

    // ResourceSpans: resource = 1, scope_spans = 2. The resource is not needed: runs are named by span attributes.
    private static void ReadResourceSpans(CodedInputStream input, List<OtlpSpan> spans)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 2)
            {
                ReadScopeSpans(Nested(input), spans);
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    // ScopeSpans: scope = 1, spans = 2.
    private static void ReadScopeSpans(CodedInputStream input, List<OtlpSpan> spans)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 2)
            {
                spans.Add(ReadSpan(Nested(input)));
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    // Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, start = 7 (fixed64), end = 8 (fixed64),
    // attributes = 9, events = 11, status = 15.
    private static OtlpSpan ReadSpan(CodedInputStream input)
    {
        string traceId = "", spanId = "", name = "";
        string? parent = null, statusMessage = null;
        ulong start = 0, end = 0;
        var status = SpanStatusCode.Unset;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var events = new List<OtlpSpanEvent>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 4:
                    var parentBytes = input.ReadBytes();
                    parent = parentBytes.Length == 0 ? null : Convert.ToHexStringLower(parentBytes.Span);
                    break;
                case 5: name = input.ReadString(); break;
                case 7: start = input.ReadFixed64(); break;
                case 8: end = input.ReadFixed64(); break;
                case 9: ReadKeyValue(Nested(input), attributes); break;
                case 11: events.Add(ReadEvent(Nested(input))); break;
                case 15: (status, statusMessage) = ReadStatus(Nested(input)); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OtlpSpan(traceId, spanId, parent, name, start, end, attributes, events, status, statusMessage);
    }

    // Span.Event: time_unix_nano = 1 (fixed64), name = 2, attributes = 3.
    private static OtlpSpanEvent ReadEvent(CodedInputStream input)
    {
        ulong time = 0;
        var name = "";
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: time = input.ReadFixed64(); break;
                case 2: name = input.ReadString(); break;
                case 3: ReadKeyValue(Nested(input), attributes); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OtlpSpanEvent(name, time, attributes);
    }

    // Status: message = 2, code = 3.
    private static (SpanStatusCode, string?) ReadStatus(CodedInputStream input)
    {
        var code = SpanStatusCode.Unset;
        string? message = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 2: message = input.ReadString(); break;
                case 3: code = (SpanStatusCode)input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (code, string.IsNullOrEmpty(message) ? null : message);
    }

    // KeyValue: key = 1, value = 2 (AnyValue).
    private static void ReadKeyValue(CodedInputStream input, Dictionary<string, object?> into)
    {
        var key = "";
        object? value = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: key = input.ReadString(); break;
                case 2: value = ReadAnyValue(Nested(input)); break;
                default: input.SkipLastField(); break;
            }
        }
        into[key] = value;
    }

    // AnyValue oneof: string = 1, bool = 2, int = 3, double = 4, array = 5 (ArrayValue.values = 1),
    // kvlist = 6 (KeyValueList.values = 1), bytes = 7.
    private static object? ReadAnyValue(CodedInputStream input)
    {
        object? value = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: value = input.ReadString(); break;
                case 2: value = input.ReadBool(); break;
                case 3: value = input.ReadInt64(); break;
                case 4: value = input.ReadDouble(); break;
                case 5: value = ReadArray(Nested(input)); break;
                case 6:
                    var list = new Dictionary<string, object?>(StringComparer.Ordinal);
                    ReadKeyValueList(Nested(input), list);
                    value = list;
                    break;
                case 7: value = input.ReadBytes().ToByteArray(); break;
                default: input.SkipLastField(); break;
            }
        }
        return value;
    }

    private static object?[] ReadArray(CodedInputStream input)
    {
        var values = new List<object?>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                values.Add(ReadAnyValue(Nested(input)));
            }
            else
            {
                input.SkipLastField();
            }
        }
        return [.. values];
    }

    private static void ReadKeyValueList(CodedInputStream input, Dictionary<string, object?> into)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                ReadKeyValue(Nested(input), into);
            }
            else
            {
                input.SkipLastField();
            }
        }
    }
}
