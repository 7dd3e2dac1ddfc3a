namespace Platform.Trainer.Tests;

/// <summary>A trainer fixture with a RabbitMQ of its own, which its tests stop and start again.</summary>
public sealed class BrokerRestartFixture : TrainerFixture
{
    protected override bool PrivateBroker => true;
}
