using System.Runtime.InteropServices;
using Google.Protobuf;

namespace Platform.Testing.Otlp;

/// <summary>One exported metric stream: its instrument scope (meter), name, unit, kind and data points.</summary>
public sealed record ReceivedMetric(string Scope, string Name, string Unit, MetricKind Kind, IReadOnlyList<ReceivedDataPoint> Points);

public enum MetricKind
{
    Gauge,
    Sum,
    Histogram,
    ExponentialHistogram,
    Summary,
}

/// <summary>
/// One data point. Gauges and sums carry <see cref="Value"/>; histograms carry <see cref="Count"/>, <see cref="Sum"/> and, for
/// explicit-bucket histograms, <see cref="ExplicitBounds"/> and <see cref="BucketCounts"/> (one more count than bounds).
/// </summary>
public sealed record ReceivedDataPoint(IReadOnlyDictionary<string, object?> Attributes, double? Value, ulong? Count, double? Sum,
    IReadOnlyList<double> ExplicitBounds, IReadOnlyList<ulong> BucketCounts)
{
    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>One exported span; ids are lower-case hex, <see cref="Kind"/> and <see cref="StatusCode"/> the OTLP enum values.</summary>
public sealed record ReceivedSpan(string Scope, string TraceId, string SpanId, string? ParentSpanId, string Name, int Kind,
    IReadOnlyDictionary<string, object?> Attributes, IReadOnlyList<ReceivedLink> Links, int StatusCode)
{
    public const int KindServer = 2;
    public const int StatusError = 2;

    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}

public sealed record ReceivedLink(string TraceId, string SpanId);

/// <summary>
/// Decodes OTLP/HTTP protobuf export requests, reading only what tests assert on. Field numbers follow opentelemetry-proto
/// (collector/*/v1/*_service.proto, metrics/v1/metrics.proto, trace/v1/trace.proto, common/v1/common.proto); unknown fields are
/// skipped, as protobuf requires, so newer exporters still decode.
/// </summary>
public static class OtlpDecoder
{
    // ExportMetricsServiceRequest: resource_metrics = 1. ResourceMetrics: scope_metrics = 2. ScopeMetrics: scope = 1, metrics = 2.
    public static IReadOnlyList<ReceivedMetric> ReadMetrics(byte[] body)
    {
        var metrics = new List<ReceivedMetric>();
        foreach (var resource in Repeated(new CodedInputStream(body), 1))
        {
            foreach (var scopeMetrics in Repeated(resource, 2))
            {
                var scope = "";
                uint tag;
                while ((tag = scopeMetrics.ReadTag()) != 0)
                {
                    switch (WireFormat.GetTagFieldNumber(tag))
                    {
                        case 1: scope = ReadScopeName(Nested(scopeMetrics)); break;
                        case 2: metrics.Add(ReadMetric(Nested(scopeMetrics), scope)); break;
                        default: scopeMetrics.SkipLastField(); break;
                    }
                }
            }
        }
        return metrics;
    }

    // ExportTraceServiceRequest: resource_spans = 1. ResourceSpans: scope_spans = 2. ScopeSpans: scope = 1, spans = 2.
    public static IReadOnlyList<ReceivedSpan> ReadTraces(byte[] body)
    {
        var spans = new List<ReceivedSpan>();
        foreach (var resource in Repeated(new CodedInputStream(body), 1))
        {
            foreach (var scopeSpans in Repeated(resource, 2))
            {
                var scope = "";
                uint tag;
                while ((tag = scopeSpans.ReadTag()) != 0)
                {
                    switch (WireFormat.GetTagFieldNumber(tag))
                    {
                        case 1: scope = ReadScopeName(Nested(scopeSpans)); break;
                        case 2: spans.Add(ReadSpan(Nested(scopeSpans), scope)); break;
                        default: scopeSpans.SkipLastField(); break;
                    }
                }
            }
        }
        return spans;
    }

    // Metric: name = 1, description = 2, unit = 3, gauge = 5, sum = 7, histogram = 9, exponential_histogram = 10, summary = 11.
    // Gauge, Sum, Histogram, ExponentialHistogram and Summary all hold data_points = 1.
    private static ReceivedMetric ReadMetric(CodedInputStream input, string scope)
    {
        string name = "", unit = "";
        var kind = MetricKind.Gauge;
        var points = new List<ReceivedDataPoint>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: name = input.ReadString(); break;
                case 3: unit = input.ReadString(); break;
                case 5:
                    kind = MetricKind.Gauge;
                    points.AddRange(Repeated(Nested(input), 1).Select(ReadNumberPoint));
                    break;
                case 7:
                    kind = MetricKind.Sum;
                    points.AddRange(Repeated(Nested(input), 1).Select(ReadNumberPoint));
                    break;
                case 9:
                    kind = MetricKind.Histogram;
                    points.AddRange(Repeated(Nested(input), 1).Select(ReadHistogramPoint));
                    break;
                case 10:
                    kind = MetricKind.ExponentialHistogram;
                    input.SkipLastField();
                    break;
                case 11:
                    kind = MetricKind.Summary;
                    input.SkipLastField();
                    break;
                default: input.SkipLastField(); break;
            }
        }
        return new ReceivedMetric(scope, name, unit, kind, points);
    }

    // NumberDataPoint: attributes = 7, as_double = 4 (double), as_int = 6 (sfixed64).
    private static ReceivedDataPoint ReadNumberPoint(CodedInputStream input)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        double? value = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 7: ReadKeyValue(Nested(input), attributes); break;
                case 4: value = input.ReadDouble(); break;
                case 6: value = input.ReadSFixed64(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new ReceivedDataPoint(attributes, value, null, null, [], []);
    }

    // HistogramDataPoint: attributes = 9, count = 4 (fixed64), sum = 5 (double), bucket_counts = 6 (repeated fixed64),
    // explicit_bounds = 7 (repeated double). Repeated scalars may come packed or one per tag: both are read.
    private static ReceivedDataPoint ReadHistogramPoint(CodedInputStream input)
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
                case 9: ReadKeyValue(Nested(input), attributes); break;
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
                default: input.SkipLastField(); break;
            }
        }
        return new ReceivedDataPoint(attributes, null, count, sum, bounds, buckets);
    }

    // Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, kind = 6, attributes = 9, links = 13, status = 15
    // (Status.code = 3). Link: trace_id = 1, span_id = 2.
    private static ReceivedSpan ReadSpan(CodedInputStream input, string scope)
    {
        string traceId = "", spanId = "", name = "";
        string? parent = null;
        int kind = 0, status = 0;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var links = new List<ReceivedLink>();
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
                case 6: kind = input.ReadEnum(); break;
                case 9: ReadKeyValue(Nested(input), attributes); break;
                case 13: links.Add(ReadLink(Nested(input))); break;
                case 15:
                    var statusInput = Nested(input);
                    uint statusTag;
                    while ((statusTag = statusInput.ReadTag()) != 0)
                    {
                        if (WireFormat.GetTagFieldNumber(statusTag) == 3)
                        {
                            status = statusInput.ReadEnum();
                        }
                        else
                        {
                            statusInput.SkipLastField();
                        }
                    }
                    break;
                default: input.SkipLastField(); break;
            }
        }
        return new ReceivedSpan(scope, traceId, spanId, parent, name, kind, attributes, links, status);
    }

    private static ReceivedLink ReadLink(CodedInputStream input)
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
        return new ReceivedLink(traceId, spanId);
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

    // KeyValue: key = 1, value = 2. AnyValue: string = 1, bool = 2, int = 3, double = 4; arrays, maps and bytes are not needed here.
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
                case 2:
                    var any = Nested(input);
                    uint anyTag;
                    while ((anyTag = any.ReadTag()) != 0)
                    {
                        switch (WireFormat.GetTagFieldNumber(anyTag))
                        {
                            case 1: value = any.ReadString(); break;
                            case 2: value = any.ReadBool(); break;
                            case 3: value = any.ReadInt64(); break;
                            case 4: value = any.ReadDouble(); break;
                            default: any.SkipLastField(); break;
                        }
                    }
                    break;
                default: input.SkipLastField(); break;
            }
        }
        into[key] = value;
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
}
