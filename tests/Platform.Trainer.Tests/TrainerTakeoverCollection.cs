namespace Platform.Trainer.Tests;

/// <summary>A second trainer fixture, so the takeover tests' trainers never take the other collection's jobs.</summary>
[CollectionDefinition(Name)]
public sealed class TrainerTakeoverCollection : ICollectionFixture<TrainerFixture>
{
    public const string Name = "trainer takeover";
}
