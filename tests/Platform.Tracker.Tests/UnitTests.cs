using System.Text;
using Platform.Otlp;
using Platform.Tracker.Otlp;
using Platform.Tracker.Runs;
using Platform.TensorBoard;
using Platform.Testing.TensorBoard;
using Conventions = Platform.Contracts.Telemetry.TrainingTelemetryConventions;

namespace Platform.Tracker.Tests;

public sealed class UnitTests
{
    [Theory]
    [InlineData("123456789", 0xE3069283u)] // the CRC catalogue's check value for CRC-32C
    [InlineData("", 0x00000000u)]
    public void Crc32C_matches_the_published_check_values(string text, uint expected) =>
        Assert.Equal(expected, Crc32C.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void The_UI_lock_file_pins_uPlot_with_its_integrity_and_no_download_URL()
    {
        var folder = Path.Combine(Platform.Testing.RepositoryPaths.Root, "services", "Tracker");
        var lockFile = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "package-lock.json"))).RootElement;
        var uplot = lockFile.GetProperty("packages").GetProperty("node_modules/uplot");
        Assert.Equal("1.6.32", uplot.GetProperty("version").GetString());
        Assert.StartsWith("sha512-", uplot.GetProperty("integrity").GetString());
        Assert.DoesNotContain("http", File.ReadAllText(Path.Combine(folder, "package-lock.json")), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("omit-lockfile-registry-resolved=true", File.ReadAllText(Path.Combine(folder, ".npmrc")));
    }

    [Fact]
    public void Crc32C_of_32_zero_bytes_matches_RFC_3720() => Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));

    [Fact]
    public void TensorBoard_events_read_back_with_valid_CRCs_and_a_flipped_byte_is_detected()
    {
        using var stream = new MemoryStream();
        var writer = new TensorBoardEventWriter(stream);
        writer.WriteFileVersion(1_700_000_000.5);
        writer.WriteScalars(1_700_000_001, 1, [("loss", 0.5f), ("accuracy", 0.75f)]);
        writer.WriteScalars(1_700_000_002, 2, [("loss", 0.25f)]);
        var file = stream.ToArray();

        var events = TensorBoardRecords.Read(file);

        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(1_700_000_000.5, events[0].WallTime);
        Assert.Equal([1L, 2], events.Skip(1).Select(e => e.Step));
        Assert.Equal([("loss", 0.5f), ("accuracy", 0.75f)], events[1].Summary.Value.Select(v => (v.Tag, v.SimpleValue)));
        file[^6] ^= 0x40;
        Assert.Throws<InvalidDataException>(() => TensorBoardRecords.Read(file));
    }

    [Fact]
    public void A_histogram_has_equal_width_buckets_over_the_finite_values_and_counts_each_once()
    {
        var histogram = TensorBoardHistogram.Of([0f, 1f, 2f, 3f, 4f, float.NaN, 4f], buckets: 4)!;

        Assert.Equal((0, 4, 6, 14, 46), (histogram.Min, histogram.Max, histogram.Count, histogram.Sum, histogram.SumSquares));
        Assert.Equal([1.0, 2, 3, 4], histogram.BucketLimits);
        // Buckets [0,1) [1,2) [2,3) [3,4]: the maximum falls in the last one.
        Assert.Equal([1.0, 1, 1, 3], histogram.BucketCounts);
        Assert.Equal([5.0], TensorBoardHistogram.Of([5f, 5f])!.BucketLimits);
        Assert.Null(TensorBoardHistogram.Of([float.PositiveInfinity]));
    }

    [Theory]
    [InlineData("train_loss", "Loss/train")]
    [InlineData("val_loss", "Loss/val")]
    [InlineData("train_accuracy", "Accuracy/train")]
    [InlineData("val_accuracy", "Accuracy/val")]
    [InlineData("step_grad_norm", "Step/grad_norm")]
    [InlineData("block_update_ratio.layer2", "UpdateRatio/layer2")]
    [InlineData("my_own_metric", "my_own_metric")]
    public void Metrics_map_to_the_guides_TensorBoard_tags(string metric, string tag) => Assert.Equal(tag, TensorBoardTags.For(metric));

    [Fact]
    public void Lttb_keeps_the_ends_and_the_extreme_point_of_a_bucket()
    {
        var x = Enumerable.Range(0, 1000).Select(i => (long)i).ToArray();
        var y = x.Select(i => i == 500 ? 100.0 : Math.Sin(i / 50.0)).ToArray();

        var kept = Lttb.Select(x, y, 50);

        Assert.Equal(50, kept.Length);
        Assert.Equal(0, kept[0]);
        Assert.Equal(999, kept[^1]);
        Assert.Contains(500, kept);
        Assert.Equal(kept.Order(), kept);
    }

    [Fact]
    public void Lttb_returns_every_point_when_there_are_few() =>
        Assert.Equal([0, 1, 2], Lttb.Select([0, 1, 2], [1.0, 2, 3], 10));

    [Theory]
    [InlineData("metrics.val_accuracy > 0.9 and params.optimizer = 'adamw'", true)]
    [InlineData("metrics.val_accuracy > 0.9 AND state = 'completed'", true)]
    [InlineData("accuracy > 0.9", false)]
    [InlineData("metrics.val_accuracy >> 0.9", false)]
    [InlineData("params.optimizer = adamw", false)]
    public void Filters_parse_only_known_keys_with_numbers_or_quoted_strings(string filter, bool valid) =>
        Assert.Equal(valid, RunFilter.TryParse(filter, out _, out _));

    [Fact]
    public void The_protobuf_reader_decodes_every_attribute_kind_events_and_status()
    {
        var runId = Guid.NewGuid();
        var span = new OtlpRequests.Span(Conventions.RunSpan, OtlpRequests.TraceId(runId), OtlpRequests.SpanId(7), 10, 20,
            [(Conventions.RunId, runId.ToString()), ("flag", true), ("count", 42L), ("ratio", 0.5), ("list", new object[] { "a", 2L }), ("raw", new byte[] { 1, 2 })],
            StatusCode: 2, StatusMessage: "boom",
            Events: [(Conventions.ResultEvent, 15UL, [(Conventions.Metric("test_accuracy"), 0.875)])]);

        var decoded = Assert.Single(OtlpProtobufReader.ReadTraces(OtlpRequests.Request(span)));

        Assert.Equal((Conventions.RunSpan, 10UL, 20UL, SpanStatusCode.Error, "boom"), (decoded.Name, decoded.StartUnixNano, decoded.EndUnixNano, decoded.Status, decoded.StatusMessage));
        Assert.Equal(Convert.ToHexStringLower(runId.ToByteArray()), decoded.TraceId);
        Assert.Equal((true, 42L, 0.5), ((bool)decoded.Attributes["flag"]!, (long)decoded.Attributes["count"]!, (double)decoded.Attributes["ratio"]!));
        Assert.Equal(["a", 2L], (object?[])decoded.Attributes["list"]!);
        Assert.Equal([1, 2], (byte[])decoded.Attributes["raw"]!);
        var result = Assert.Single(decoded.Events);
        Assert.Equal(0.875, result.Attributes[Conventions.Metric("test_accuracy")]);

        var run = Assert.Single(TrainingTelemetryMapper.Map([decoded]).Runs);
        Assert.Equal(RunOutcome.Failed, run.Outcome);
        Assert.Equal(0.875, run.FinalMetrics["test_accuracy"]);
    }

    [Fact]
    public void The_json_reader_reads_scope_kind_links_and_string_encoded_numbers()
    {
        var json = """
            {"resourceSpans":[{"scopeSpans":[{"scope":{"name":"Platform.Inference"},"spans":[
              {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"","name":"inference.batch",
               "kind":"SPAN_KIND_SERVER","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000000500000000,
               "attributes":[{"key":"inference.batch_size","value":{"intValue":"3"}}],
               "links":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331"}],
               "status":{"code":"STATUS_CODE_ERROR","message":"queue_full"}},
              {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"inference.predict","kind":3}]}]}]}
            """;

        var spans = OtlpJsonReader.ReadTraces(Encoding.UTF8.GetBytes(json));

        Assert.Equal(2, spans.Count);
        var batch = spans[0];
        Assert.Equal(("Platform.Inference", SpanKind.Server, "5b8efff798038103d269b633813fc60c", null), (batch.Scope, batch.Kind, batch.TraceId, batch.ParentSpanId));
        Assert.Equal((1_700_000_000_000_000_000UL, 1_700_000_000_500_000_000UL), (batch.StartUnixNano, batch.EndUnixNano));
        Assert.Equal("3", batch.Attribute("inference.batch_size"));
        Assert.Equal(new OtlpSpanLink("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"), Assert.Single(batch.Links));
        Assert.Equal((SpanStatusCode.Error, "queue_full"), (batch.Status, batch.StatusMessage));
        Assert.Equal((SpanKind.Client, SpanStatusCode.Unset), (spans[1].Kind, spans[1].Status));
        Assert.Empty(spans[1].Links);
    }

    [Fact]
    public void A_body_that_is_not_otlp_is_a_format_error_naming_the_message()
    {
        var protobuf = Assert.Throws<OtlpFormatException>(() => OtlpProtobufReader.ReadMetrics([0x0A, 0x05, 0x01]));
        var json = Assert.Throws<OtlpFormatException>(() => OtlpJsonReader.ReadTraces(Encoding.UTF8.GetBytes("{\"resourceSpans\": [")));

        Assert.Contains("ExportMetricsServiceRequest", protobuf.Message);
        Assert.Contains("ExportTraceServiceRequest", json.Message);
    }

    [Fact]
    public void A_confusion_matrix_that_is_not_square_is_refused() =>
        Assert.False(ConfusionMatrixReader.TryParse("""{"labels":["a","b"],"matrix":[[1,2]]}""", out _, out var problem) || problem is null);
}
