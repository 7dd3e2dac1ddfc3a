namespace Platform.Trainer.Tests;

[CollectionDefinition(Name)]
public sealed class BrokerRestartCollection : ICollectionFixture<BrokerRestartFixture>
{
    public const string Name = "broker restart";
}
