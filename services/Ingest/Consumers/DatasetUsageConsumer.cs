using MassTransit;
using Platform.Contracts;
using Platform.Ingest.Datasets;

namespace Platform.Ingest.Consumers;

/// <summary>
/// Records which runs train on which dataset version, so a version in use cannot be deleted. Every
/// <see cref="TrainModel"/> published reaches this queue as well as the trainers'.
/// </summary>
public sealed class DatasetUsageConsumer(DatasetStore store) : IConsumer<TrainModel>
{
    public Task Consume(ConsumeContext<TrainModel> context) =>
        store.MarkUsedAsync(context.Message.DatasetName, context.Message.DatasetVersion, context.Message.RunId, context.CancellationToken);
}
