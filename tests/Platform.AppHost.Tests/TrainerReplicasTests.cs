using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Platform.AppHost.Tests;

/// <summary>The AppHost's <c>Trainer:Replicas</c> setting becomes the trainer resource's replica count: the model is built, not started.</summary>
public sealed class TrainerReplicasTests
{
    private static async Task<IDistributedApplicationTestingBuilder> BuildModelAsync(string? replicas, CancellationToken cancellationToken)
    {
        string[] arguments = ["BackingServices:Mode=external", "ConnectionStrings:redis=127.0.0.1:1",
            "ConnectionStrings:messaging=amqp://guest:guest@127.0.0.1:1/", "ConnectionStrings:blobs=UseDevelopmentStorage=true"];
        return await DistributedApplicationTestingBuilder.CreateAsync<Projects.Platform_AppHost>(
            replicas is null ? arguments : [.. arguments, $"Trainer:Replicas={replicas}"],
            (options, _) => options.DisableDashboard = true,
            cancellationToken);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("1", 1)]
    [InlineData("2", 2)]
    [InlineData("5", 5)]
    public async Task The_trainer_resource_has_as_many_replicas_as_Trainer_Replicas_says(string? setting, int expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var builder = await BuildModelAsync(setting, timeout.Token);

        var trainer = builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "trainer");
        var replicas = trainer.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas ?? 1;
        Assert.Equal(expected, replicas);
        // Only the trainer is replicated: the tracker's sweep controller and the other services stay single.
        Assert.All(builder.Resources.OfType<ProjectResource>().Where(resource => resource.Name != "trainer"),
            resource => Assert.Equal(1, resource.Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas ?? 1));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("17")]
    [InlineData("two")]
    public async Task A_Trainer_Replicas_setting_out_of_range_stops_the_AppHost_with_a_message_naming_it(string setting)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await (await BuildModelAsync(setting, timeout.Token)).DisposeAsync());

        var messages = string.Join(" | ", Flatten(error).Select(e => e.Message));
        Assert.Contains($"Trainer:Replicas must be a number from 1 to 16 (got '{setting}')", messages);
    }

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
