using System.Globalization;
using MassTransit;
using Platform.Contracts;
using Platform.Contracts.Runs;
using Platform.Tracker.Registry;
using Platform.Tracker.Runs;

namespace Platform.Tracker.Consumers;

/// <summary>A finished run becomes a version of its model and its run is completed; redelivery changes nothing twice.</summary>
public sealed class ModelTrainedConsumer(ModelRegistry registry, RunStore runs, ILogger<ModelTrainedConsumer> logger) : IConsumer<ModelTrained>
{
    public async Task Consume(ConsumeContext<ModelTrained> context)
    {
        var trained = context.Message;
        var version = await registry.RegisterAsync(trained);
        await runs.RecordFinalMetricsAsync(trained.RunId, trained.Metrics);
        if (trained.MisclassifiedExamples is { } misclassified)
        {
            await runs.RecordMisclassifiedExamplesAsync(trained.RunId, misclassified);
        }
        await runs.TransitionAsync(trained.RunId, RunStates.Completed, [RunStates.Queued, RunStates.Running], new Dictionary<string, string>
        {
            ["endedAt"] = trained.TrainedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });
        logger.LogInformation("Run {RunId} produced {Model} v{Version}", trained.RunId, trained.ModelName, version);
    }
}
