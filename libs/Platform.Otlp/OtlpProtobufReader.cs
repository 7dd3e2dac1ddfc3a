using System.Runtime.InteropServices;
using Google.Protobuf;

namespace Platform.Otlp;

/// <summary>
/// Decodes OTLP/HTTP protobuf export requests: <c>ExportTraceServiceRequest</c> and <c>ExportMetricsServiceRequest</c>. Field
/// numbers follow opentelemetry-proto (collector/*/v1/*_service.proto, trace/v1/trace.proto, metrics/v1/metrics.proto,
/// common/v1/common.proto); unknown fields are skipped, as protobuf requires, so newer exporters still decode.
/// </summary>
public static class OtlpProtobufReader
{
    // ExportTraceServiceRequest: resource_spans = 1. ResourceSpans: scope_spans = 2. ScopeSpans: scope = 1, spans = 2.
    public static IReadOnlyList<OtlpSpan> ReadTraces(byte[] body) => ReadScoped(body, "ExportTraceServiceRequest", ReadSpan);

    // ExportMetricsServiceRequest: resource_metrics = 1. ResourceMetrics: scope_metrics = 2. ScopeMetrics: scope = 1, metrics = 2.
    public static IReadOnlyList<OtlpMetric> ReadMetrics(byte[] body) => ReadScoped(body, "ExportMetricsServiceRequest", ReadMetric);

    /// <summary>
    /// Both signals nest the same way: resources (field 1), each with scopes (field 2), each naming its instrumentation scope
    /// (field 1) and holding the items (field 2). The resource itself is not read: telemetry is attributed by its attributes.
    /// </summary>
    private static IReadOnlyList<T> ReadScoped<T>(byte[] body, string message, Func<CodedInputStream, string, T> readItem)
    {
        try
        {
            var items = new List<T>();
            foreach (var resource in Repeated(new CodedInputStream(body), 1))
            {
                foreach (var scoped in Repeated(resource, 2))
                {
                    var scope = "";
                    uint tag;
                    while ((tag = scoped.ReadTag()) != 0)
                    {
                        switch (WireFormat.GetTagFieldNumber(tag))
                        {
                            case 1: scope = ReadScopeName(Nested(scoped)); break;
                            case 2: items.Add(readItem(Nested(scoped), scope)); break;
                            default: scoped.SkipLastField(); break;
                        }
                    }
                }
            }
            return items;
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new OtlpFormatException($"The body is not a valid OTLP {message}: {exception.Message}", exception);
        }
    }

    /// <summary>Each occurrence of length-delimited field <paramref name="field"/>, as its own stream; other fields are skipped.</summary>
    private static IEnumerable<CodedInputStream> Repeated(CodedInputStream input, int field)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field)
            {
                yield return Nested(input);
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    private static CodedInputStream Nested(CodedInputStream input)
    {
        var bytes = input.ReadBytes();
        return MemoryMarshal.TryGetArray(bytes.Memory, out var segment)
            ? new CodedInputStream(segment.Array!, segment.Offset, segment.Count)
            : new CodedInputStream(bytes.ToByteArray());
    }

    // InstrumentationScope: name = 1.
    private static string ReadScopeName(CodedInputStream input)
    {
        var name = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                name = input.ReadString();
            }
            else
            {
                input.SkipLastField();
            }
        }
        return name;
    }

    // Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, kind = 6, start = 7 (fixed64), end = 8 (fixed64),
    // attributes = 9, events = 11, links = 13, status = 15.
    private static OtlpSpan ReadSpan(CodedInputStream input, string scope)
    {
        string traceId = "", spanId = "", name = "";
        string? parent = null, statusMessage = null;
        ulong start = 0, end = 0;
        var kind = SpanKind.Unspecified;
        var status = SpanStatusCode.Unset;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var events = new List<OtlpSpanEvent>();
        var links = new List<OtlpSpanLink>();
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
                case 6: kind = (SpanKind)input.ReadEnum(); break;
                case 7: start = input.ReadFixed64(); break;
                case 8: end = input.ReadFixed64(); break;
                case 9: ReadKeyValue(Nested(input), attributes); break;
                case 11: events.Add(ReadEvent(Nested(input))); break;
                case 13: links.Add(ReadLink(Nested(input))); break;
                case 15: (status, statusMessage) = ReadStatus(Nested(input)); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OtlpSpan(scope, traceId, spanId, parent, name, kind, start, end, attributes, events, links, status, statusMessage);
    }

    // Span.Link: trace_id = 1, span_id = 2.
    private static OtlpSpanLink ReadLink(CodedInputStream input)
    {
        string traceId = "", spanId = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OtlpSpanLink(traceId, spanId);
    }

    // Metric: name = 1, description = 2, unit = 3, gauge = 5, sum = 7, histogram = 9, exponential_histogram = 10, summary = 11.
    // Gauge, Sum and Histogram hold data_points = 1.
    private static OtlpMetric ReadMetric(CodedInputStream input, string scope)
    {
        string name = "", unit = "";
        var kind = OtlpMetricKind.Gauge;
        var points = new List<OtlpDataPoint>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: name = input.ReadString(); break;
                case 3: unit = input.ReadString(); break;
                case 5:
                    kind = OtlpMetricKind.Gauge;
                    points.AddRange(Repeated(Nested(input), 1).Select(ReadNumberPoint));
                    break;
                case 7:
                    kind = OtlpMetricKind.Sum;
                    points.AddRange(Repeated(Nested(input), 1).Select(ReadNumberPoint));
                    break;
                case 9:
                    kind = OtlpMetricKind.Histogram;
                    points.AddRange(Repeated(Nested(input), 1).Select(ReadHistogramPoint));
                    break;
                case 10:
                    kind = OtlpMetricKind.ExponentialHistogram;
                    input.SkipLastField();
                    break;
                case 11:
                    kind = OtlpMetricKind.Summary;
                    input.SkipLastField();
                    break;
                default: input.SkipLastField(); break;
            }
        }
        return new OtlpMetric(scope, name, unit, kind, points);
    }

    // NumberDataPoint: as_double = 4 (double), as_int = 6 (sfixed64), attributes = 7.
    private static OtlpDataPoint ReadNumberPoint(CodedInputStream input)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        double? value = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 4: value = input.ReadDouble(); break;
                case 6: value = input.ReadSFixed64(); break;
                case 7: ReadKeyValue(Nested(input), attributes); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OtlpDataPoint(attributes, value, null, null, [], []);
    }

    // HistogramDataPoint: count = 4 (fixed64), sum = 5 (double), bucket_counts = 6 (repeated fixed64), explicit_bounds = 7
    // (repeated double), attributes = 9. Repeated scalars may come packed or one per tag: both are read.
    private static OtlpDataPoint ReadHistogramPoint(CodedInputStream input)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        ulong? count = null;
        double? sum = null;
        var bounds = new List<double>();
        var buckets = new List<ulong>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 4: count = input.ReadFixed64(); break;
                case 5: sum = input.ReadDouble(); break;
                case 6 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                    var packedCounts = Nested(input);
                    while (!packedCounts.IsAtEnd)
                    {
                        buckets.Add(packedCounts.ReadFixed64());
                    }
                    break;
                case 6: buckets.Add(input.ReadFixed64()); break;
                case 7 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                    var packedBounds = Nested(input);
                    while (!packedBounds.IsAtEnd)
                    {
                        bounds.Add(packedBounds.ReadDouble());
                    }
                    break;
                case 7: bounds.Add(input.ReadDouble()); break;
                case 9: ReadKeyValue(Nested(input), attributes); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OtlpDataPoint(attributes, null, count, sum, bounds, buckets);
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
