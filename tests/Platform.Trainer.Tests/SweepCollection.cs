namespace Platform.Trainer.Tests;

/// <summary>The sweep tests' own servers, tracker and two trainers, running beside the other trainer collections.</summary>
[CollectionDefinition(Name)]
public sealed class SweepCollection : ICollectionFixture<SweepFixture>
{
    public const string Name = "sweeps";
}
