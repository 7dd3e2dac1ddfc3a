using System.Text.Json;
using Platform.Trainer.Jobs;

namespace Platform.Trainer.Tests;

/// <summary>A lease's state follows the wire convention (lowercase), and leases written before it still read.</summary>
public sealed class JobLeaseWireTests
{
    private static readonly JobLease Lease = new(Guid.Empty, "trainer-1", JobState.Interrupted, 2, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null);

    [Fact]
    public void A_lease_writes_its_state_in_lowercase()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(Lease, JsonSerializerOptions.Web));

        Assert.Equal("interrupted", json.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public void A_lease_stored_with_a_pascal_case_state_still_reads()
    {
        var stored = JsonSerializer.Serialize(Lease, JsonSerializerOptions.Web).Replace("\"interrupted\"", "\"Interrupted\"", StringComparison.Ordinal);

        Assert.Equal(JobState.Interrupted, JsonSerializer.Deserialize<JobLease>(stored, JsonSerializerOptions.Web)!.State);
    }
}
