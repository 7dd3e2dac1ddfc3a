using Platform.Trainer.Telemetry;

namespace Platform.Trainer.Tests;

public sealed class TelemetrySpoolTests
{
    [Fact]
    public void Batches_wait_oldest_first_until_acknowledged_and_past_the_bound_the_oldest_are_dropped()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"spool-{Guid.NewGuid():N}");
        try
        {
            var spool = new TelemetrySpool(folder, maxBytes: 2500);
            spool.Save(new byte[1000]);
            spool.Save(new byte[1000]);
            var beforeOverflow = spool.Pending();

            var dropped = spool.Save(new byte[1000]);

            Assert.Equal(1, dropped);
            Assert.Equal(1, spool.Dropped);
            var pending = spool.Pending();
            Assert.Equal([beforeOverflow[1]], pending.Take(1));
            Assert.Equal(2, pending.Count);
            spool.Acknowledge(pending[0]);
            spool.Acknowledge(pending[1]);
            Assert.True(spool.IsEmpty);
            // A restarted trainer finds what an earlier one left.
            new TelemetrySpool(folder, 2500).Save([1, 2, 3]);
            Assert.Equal([1, 2, 3], File.ReadAllBytes(Assert.Single(new TelemetrySpool(folder, 2500).Pending())));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
