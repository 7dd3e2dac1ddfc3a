using Platform.Cli.Http;
using Platform.Contracts.Datasets;
using Platform.Contracts.Naming;

namespace Platform.Cli.Commands;

/// <summary><c>name</c> or <c>name:version</c>; without a version, the latest published one is meant.</summary>
public sealed record DatasetReference(string Name, int? Version)
{
    public static DatasetReference Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            return new DatasetReference(ResourceNames.Dataset.Checked(text.Trim()), null);
        }
        var versionText = text[(colon + 1)..].TrimStart('v', 'V');
        if (colon == 0 || !int.TryParse(versionText, out var version) || version < 1)
        {
            throw new CliException(ExitCodes.InvalidInput, $"'{text}' is not a dataset reference: write name or name:version (e.g. fashion-mnist:3).");
        }
        return new DatasetReference(ResourceNames.Dataset.Checked(text[..colon].Trim()), version);
    }

    /// <summary>The version to use: the one given, else the dataset's latest published version.</summary>
    public async Task<int> ResolveVersionAsync(ServiceClient ingest, CancellationToken cancellationToken)
    {
        if (Version is { } version)
        {
            return version;
        }
        var dataset = await ingest.GetAsync<DatasetDetails>($"/datasets/{Uri.EscapeDataString(Name)}", cancellationToken);
        var published = dataset.Value.Versions
            .Where(v => v.State == DatasetVersionState.Published)
            .Select(v => v.Version)
            .DefaultIfEmpty(0).Max();
        return published > 0
            ? published
            : throw new CliException(ExitCodes.NotFound, $"Dataset '{Name}' has no published version yet (see: platform datasets show {Name}).");
    }

    public override string ToString() => Version is { } version ? $"{Name}:{version}" : Name;
}
