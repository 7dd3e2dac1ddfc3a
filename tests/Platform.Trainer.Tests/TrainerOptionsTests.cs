using Platform.Trainer.Jobs;

namespace Platform.Trainer.Tests;

public sealed class TrainerOptionsTests
{
    [Fact]
    public void Trainer_options_name_every_rule_they_break_and_the_defaults_break_none()
    {
        Assert.Empty(new TrainerOptions().Violations());

        var broken = new TrainerOptions { LeaseDuration = TimeSpan.FromSeconds(8), HeartbeatInterval = TimeSpan.FromSeconds(5), ParityImages = 0, TrackerOtlpEndpoint = "tracker" };

        Assert.Equal(["Trainer:LeaseDuration must exceed two Trainer:HeartbeatInterval (a lease must survive a missed heartbeat).",
            "Trainer:ParityImages must be positive.", "Trainer:TrackerOtlpEndpoint must be an absolute http(s) address (got 'tracker')."], broken.Violations());
    }
}
