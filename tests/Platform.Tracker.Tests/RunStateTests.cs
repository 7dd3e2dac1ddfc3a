using System.Net.Http.Headers;
using System.Text.Json;
using MassTransit;
using MassTransit.Mediator;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Tracker.Runs;
using StackExchange.Redis;
using Conventions = Platform.Contracts.Telemetry.TrainingTelemetryConventions;
using Platform.Tracker.Consumers;

namespace Platform.Tracker.Tests;

/// <summary>
/// How a run's state reaches the tracker (docs/tracking-conventions.md, "Run state"): a run the tracker queued ends by the
/// trainer's messages only; a run that exists only through telemetry ends with its run span.
/// </summary>
[Collection(TrackerCollection.Name)]
public sealed class RunStateTests(TrackerFixture fixture)
{
    public enum SpanEnding
    {
        Ok,
        Unset,
        Error,
        Cancelled,
    }

    [Theory]
    [InlineData(SpanEnding.Ok, "completed")]
    [InlineData(SpanEnding.Unset, "completed")]
    [InlineData(SpanEnding.Error, "failed")]
    [InlineData(SpanEnding.Cancelled, "cancelled")]
    public async Task A_run_span_ends_a_run_that_exists_only_through_telemetry(SpanEnding ending, string expected)
    {
        var id = Guid.NewGuid();

        await PostAsync(RunSpan(id, "telemetry-only", ending));

        var run = await fixture.GetJsonAsync($"/runs/{id}");
        Assert.Equal(expected, run.GetProperty("state").GetString());
        Assert.Equal(ending == SpanEnding.Error ? "loss became NaN" : null, run.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData(SpanEnding.Ok, "completed")]
    [InlineData(SpanEnding.Error, "failed")]
    [InlineData(SpanEnding.Cancelled, "cancelled")]
    public async Task A_run_span_leaves_a_run_the_tracker_queued_running_until_the_trainers_message_ends_it(SpanEnding ending, string expected)
    {
        var id = await CreateRunAsync("queued-ending");

        await PostAsync(RunSpan(id, "queued-ending", ending));

        // The receiver answers after the batch is stored, so the run span has been applied by now.
        var afterSpan = await fixture.GetJsonAsync($"/runs/{id}");
        Assert.Equal("running", afterSpan.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, afterSpan.GetProperty("endedAt").ValueKind);

        var endedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        object message = ending switch
        {
            SpanEnding.Ok => new ModelTrained(id, $"queued-ending-{id:N}"[..30], $"http://blobs/models/{id}.zip", "fashion-mnist", 2,
                new Dictionary<string, double> { ["accuracy"] = 0.9 }, endedAt),
            SpanEnding.Error => new RunFailed(id, "dataset not found", null, endedAt),
            _ => new RunCancelled(id, "Cancelled through the tracker API", endedAt),
        };
        await fixture.Bus.Publish(message);

        var ended = await fixture.Tracker.PollAsync($"/runs/{id}", r => r.GetProperty("state").GetString() != "running");
        Assert.Equal(expected, ended.GetProperty("state").GetString());
        Assert.Equal(endedAt, ended.GetProperty("endedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task RunCancelled_cancels_a_running_run_once_and_leaves_a_completed_run_completed()
    {
        var running = await CreateRunAsync("cancel-once");
        var completed = await CreateRunAsync("cancel-once");
        await PostAsync(StartedSpan(running), StartedSpan(completed));
        await fixture.Bus.Publish(new ModelTrained(completed, $"cancel-once-{completed:N}"[..30], $"http://blobs/models/{completed}.zip", "fashion-mnist", 2,
            new Dictionary<string, double> { ["accuracy"] = 0.9 }, DateTimeOffset.UtcNow));
        await fixture.Tracker.PollAsync($"/runs/{completed}", r => r.GetProperty("state").GetString() == "completed");
        // The tracker's consumer in this process, on the tracker's Redis, so that each delivery can be awaited until it is handled.
        await using var consumers = await InProcessConsumerAsync();
        var first = new RunCancelled(running, "Cancelled through the tracker API", DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));

        await consumers.DeliverAsync(first);
        var cancelled = await fixture.GetJsonAsync($"/runs/{running}");
        await consumers.DeliverAsync(first with { Reason = "delivered again", CancelledAt = first.CancelledAt.AddMinutes(5) });
        await consumers.DeliverAsync(new RunCancelled(completed, "too late", DateTimeOffset.UtcNow));

        Assert.Equal(("cancelled", "Cancelled through the tracker API", first.CancelledAt),
            (cancelled.GetProperty("state").GetString(), cancelled.GetProperty("reason").GetString(), cancelled.GetProperty("endedAt").GetDateTimeOffset()));
        var again = await fixture.GetJsonAsync($"/runs/{running}");
        Assert.Equal(cancelled.ToString(), again.ToString());
        var stillCompleted = await fixture.GetJsonAsync($"/runs/{completed}");
        Assert.Equal("completed", stillCompleted.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, stillCompleted.GetProperty("reason").ValueKind);
    }

    [Fact]
    public async Task An_ending_from_an_earlier_launch_does_not_end_the_resumed_run_and_one_from_the_current_launch_does()
    {
        var id = await CreateRunAsync("stale-ending");
        await PostAsync(StartedSpan(id));
        await using var consumers = await InProcessConsumerAsync();
        var stoppedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        await consumers.DeliverAsync(new RunCancelled(id, "Cancelled through the tracker API", stoppedAt, Launch: 1));

        var (status, resumed) = await fixture.SendJsonAsync(HttpMethod.Post, $"/runs/{id}/resume", null);
        Assert.True(status == 202, resumed.ToString());
        var command = await fixture.WaitForPublishedAsync<TrainModel>(m => m.RunId == id && m.Launch > 1);
        Assert.Equal(2, command.Launch);
        Assert.Equal(2, resumed.GetProperty("attempt").GetInt32());

        // The first launch's endings, delivered late or again, leave the resumed run queued.
        await consumers.DeliverAsync(new RunCancelled(id, "delivered again", stoppedAt, Launch: 1));
        await consumers.DeliverAsync(new RunFailed(id, "a late failure of launch 1", null, stoppedAt, Launch: 1));
        var afterStale = await fixture.GetJsonAsync($"/runs/{id}");
        Assert.Equal(("queued", JsonValueKind.Null), (afterStale.GetProperty("state").GetString(), afterStale.GetProperty("endedAt").ValueKind));

        var failedAt = stoppedAt.AddMinutes(10);
        await consumers.DeliverAsync(new RunFailed(id, "dataset not found", null, failedAt, Launch: 2));
        var failed = await fixture.GetJsonAsync($"/runs/{id}");
        Assert.Equal(("failed", "dataset not found", failedAt),
            (failed.GetProperty("state").GetString(), failed.GetProperty("reason").GetString(), failed.GetProperty("endedAt").GetDateTimeOffset()));

        // A second resume is launch 3.
        (status, resumed) = await fixture.SendJsonAsync(HttpMethod.Post, $"/runs/{id}/resume", null);
        Assert.True(status == 202, resumed.ToString());
        Assert.Equal(3, (await fixture.WaitForPublishedAsync<TrainModel>(m => m.RunId == id && m.Launch > 2)).Launch);
    }

    private static OtlpRequests.Span RunSpan(Guid id, string experiment, SpanEnding ending) =>
        new(Conventions.RunSpan, OtlpRequests.TraceId(id), OtlpRequests.SpanId(1), 1_700_000_000_000_000_000UL, 1_700_000_060_000_000_000UL,
            [
                (Conventions.RunId, id.ToString()), (Conventions.Experiment, experiment),
                .. ending == SpanEnding.Cancelled ? [(Conventions.Cancelled, (object)true)] : Array.Empty<(string, object)>(),
            ],
            StatusCode: ending switch { SpanEnding.Ok => 1, SpanEnding.Error => 2, _ => 0 },
            StatusMessage: ending == SpanEnding.Error ? "loss became NaN" : null);

    private static OtlpRequests.Span StartedSpan(Guid id) =>
        new(Conventions.StartedSpan, OtlpRequests.TraceId(id), OtlpRequests.SpanId(2), 1_700_000_000_000_000_000UL, 1_700_000_000_001_000_000UL,
            [(Conventions.RunId, id.ToString()), (Conventions.Device, "cpu")]);

    private async Task<Guid> CreateRunAsync(string experiment)
    {
        var (status, body) = await fixture.SendJsonAsync(HttpMethod.Post, $"/experiments/{experiment}/runs", new
        {
            dataset = new { name = "fashion-mnist", version = 2 },
            modelName = "fashion-classifier",
            config = new { architecture = "small_cnn", epochs = 3 },
        });
        Assert.True(status == 201, body.ToString());
        return body.GetProperty("id").GetGuid();
    }

    private async Task PostAsync(params OtlpRequests.Span[] spans)
    {
        var content = new ByteArrayContent(OtlpRequests.Request(spans));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await fixture.Tracker.Client.PostAsync("/v1/traces", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<InProcessConsumer> InProcessConsumerAsync()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Servers.RedisConnectionString!);
        var provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConnectionMultiplexer>(redis)
            .AddSingleton(TimeProvider.System)
            .AddSingleton<RunStore>()
            .AddMediator(mediator =>
            {
                mediator.AddConsumer<RunCancelledConsumer>();
                mediator.AddConsumer<RunFailedConsumer>();
            })
            .BuildServiceProvider(validateScopes: true);
        return new InProcessConsumer(provider, redis);
    }

    private sealed class InProcessConsumer(ServiceProvider provider, IConnectionMultiplexer redis) : IAsyncDisposable
    {
        /// <summary>Hands the message to the consumer; returns once it has been handled, throwing what the consumer threw.</summary>
        public Task DeliverAsync<T>(T message) where T : class => provider.GetRequiredService<IMediator>().Send(message);

        public async ValueTask DisposeAsync()
        {
            await provider.DisposeAsync();
            await redis.DisposeAsync();
        }
    }
}
