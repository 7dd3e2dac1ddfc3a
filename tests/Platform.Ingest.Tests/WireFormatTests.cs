using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Datasets;

namespace Platform.Ingest.Tests;

/// <summary>The dataset documents follow the one wire convention: states and kinds as camelCase names.</summary>
public sealed class WireFormatTests
{
    private static readonly DatasetVersionRecord Record = new("pets", 3, DatasetVersionState.Published,
        IngestSettings.Default with { Balance = BalanceMethod.Oversample }, "upload", IngestProgress.None, null, null, null,
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null);

    [Fact]
    public void A_version_record_writes_its_state_and_balance_method_in_lowercase()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(Record, ContractJson.Options));

        Assert.Equal("published", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("oversample", json.RootElement.GetProperty("settings").GetProperty("balance").GetString());
    }

    [Fact]
    public void A_version_record_stored_before_the_convention_still_reads()
    {
        // Written by earlier ingest versions: PascalCase states, balance methods as numbers.
        var stored = JsonSerializer.Serialize(Record, ContractJson.Options)
            .Replace("\"published\"", "\"Published\"", StringComparison.Ordinal)
            .Replace("\"oversample\"", "1", StringComparison.Ordinal);

        var record = JsonSerializer.Deserialize<DatasetVersionRecord>(stored, ContractJson.Options)!;

        Assert.Equal(DatasetVersionState.Published, record.State);
        Assert.Equal(BalanceMethod.Oversample, record.Settings.Balance);
    }
}
