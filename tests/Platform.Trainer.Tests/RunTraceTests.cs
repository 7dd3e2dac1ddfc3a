using Platform.Contracts;
using Platform.Otlp;
using Platform.Testing.Otlp;
using Conventions = Platform.Contracts.Telemetry.TrainingTelemetryConventions;

namespace Platform.Trainer.Tests;

/// <summary>What a run's trace holds on the dashboard: the run, not its heartbeats, and no errors when nothing failed.</summary>
[Collection(TrainerCollection.Name)]
public sealed class RunTraceTests(TrainerFixture fixture)
{
    [Fact]
    public async Task A_runs_trace_shows_its_steps_with_no_span_per_lease_renewal_and_no_error_for_expected_blob_answers()
    {
        var (runId, _, _, dashboard, _) = await fixture.TwoEpochRunAsync();

        var run = dashboard.Spans.Single(s => s.Name == Conventions.RunSpan && s.Attribute(Conventions.RunId) == runId.ToString());
        var trace = dashboard.Spans.Where(s => s.TraceId == run.TraceId).ToList();
        var heartbeats = TimeSpan.FromTicks((long)(run.EndUnixNano - run.StartUnixNano) / 100) / TrainerFixture.HeartbeatInterval;
        Assert.True(heartbeats >= 3, $"the run lasted {heartbeats:0.0} heartbeats ({TrainerFixture.HeartbeatInterval.TotalSeconds} s); too short to show renewals");
        // Acquiring and finishing write the lease; the renewals in between (two a second here) leave no span.
        var leaseBlob = $"/{StorageLayout.RunsContainer}/{StorageLayout.RunPrefix(runId)}lease.json";
        var leaseWrites = dashboard.Spans.Count(s => s.Kind == SpanKind.Client && s.Attribute("http.request.method") == "PUT"
            && s.Attribute("url.full")?.EndsWith(leaseBlob, StringComparison.Ordinal) == true);
        Assert.InRange(leaseWrites, 1, 2);
        // The trace shows the run's steps: start, each epoch, each checkpoint, the export with its parity figures, the publication.
        var steps = trace.Where(s => s.ParentSpanId == run.SpanId).Select(s => s.Name).ToList();
        Assert.Equal(1, steps.Count(name => name == Conventions.StartedSpan));
        Assert.Equal(2, steps.Count(name => name == Conventions.EpochSpan));
        Assert.True(steps.Count(name => name == Conventions.CheckpointSpan) >= 2, string.Join(", ", steps));
        var export = Assert.Single(trace, s => s.Name == Conventions.ExportSpan);
        Assert.Equal(1.0, double.Parse(export.Attribute(Conventions.ParityTop1Agreement)!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Single(trace, s => s.Name == Conventions.PublishSpan && s.Attribute(Conventions.PackageUri)!.Contains(runId.ToString("N")));
        Assert.Empty(trace.Where(s => s.Status == SpanStatusCode.Error).Select(s => $"{s.Name} {s.Attribute("url.full")} {s.Attribute("http.response.status_code")}"));
    }
}
