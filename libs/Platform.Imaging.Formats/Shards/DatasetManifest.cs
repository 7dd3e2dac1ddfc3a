using System.Text.Json;

namespace Platform.Imaging.Formats.Shards;

/// <summary>
/// The description of one immutable dataset version: classes, splits, image properties, normalisation statistics,
/// the shards holding the samples (with SHA-256) and the sources they came from. Ingest writes it last, after all
/// shards; its presence means the version is complete. <see cref="Health"/> records whether ingest's health check decided
/// anything about the version (moved leaked copies, left out label errors), with which embedding model and settings.
/// </summary>
public sealed record DatasetManifest(
    string Name,
    string Version,
    IReadOnlyList<string> Classes,
    int Channels,
    ImageSize? Size,
    float[] Mean,
    float[] Std,
    IReadOnlyList<SplitSummary> Splits,
    IReadOnlyList<ManifestShard> Shards,
    IReadOnlyList<SourceFile> Sources,
    DateTimeOffset CreatedAt,
    int FormatVersion = DatasetManifest.CurrentFormatVersion,
    ManifestHealth? Health = null)
{
    public const int CurrentFormatVersion = 1;

    /// <summary>The conventional blob/file name of a manifest inside a dataset version folder.</summary>
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public IReadOnlyList<ManifestShard> ShardsOf(string split) => [.. Shards.Where(shard => shard.Split == split)];

    public SplitSummary? Split(string name) => Splits.FirstOrDefault(split => split.Name == name);

    public string ToJson() => JsonSerializer.Serialize(Validated(), JsonOptions);

    public static DatasetManifest FromJson(string json) =>
        (JsonSerializer.Deserialize<DatasetManifest>(json, JsonOptions)
         ?? throw new InvalidDataException("The manifest JSON is empty.")).Validated();

    public async Task WriteAsync(Stream stream, CancellationToken cancellationToken = default) =>
        await JsonSerializer.SerializeAsync(stream, Validated(), JsonOptions, cancellationToken);

    public static async Task<DatasetManifest> ReadAsync(Stream stream, CancellationToken cancellationToken = default) =>
        (await JsonSerializer.DeserializeAsync<DatasetManifest>(stream, JsonOptions, cancellationToken)
         ?? throw new InvalidDataException("The manifest JSON is empty.")).Validated();

    /// <summary>Checks internal consistency; throws <see cref="InvalidDataException"/> naming the first problem.</summary>
    public DatasetManifest Validated()
    {
        Require(FormatVersion == CurrentFormatVersion, $"format version {FormatVersion} is not {CurrentFormatVersion}");
        Require(!string.IsNullOrWhiteSpace(Name) && !string.IsNullOrWhiteSpace(Version), "name and version are required");
        Require(Classes is { Count: > 0 } && Classes.Distinct().Count() == Classes.Count, "classes must be present and distinct");
        Require(Channels is 1 or 3, $"channels must be 1 or 3 (was {Channels})");
        Require(Mean?.Length == Channels && Std?.Length == Channels, "mean and std need one value per channel");
        Require(Size is null || (Size.Width > 0 && Size.Height > 0), "size must be positive");
        Require(Splits is not null && Shards is not null && Sources is not null, "splits, shards and sources are required");
        foreach (var split in Splits!)
        {
            Require(split.PerClass?.Length == Classes.Count, $"split '{split.Name}' needs one count per class");
            Require(split.PerClass!.Sum() == split.Samples, $"split '{split.Name}' per-class counts do not add up to {split.Samples}");
            Require(ShardsOf(split.Name).Sum(shard => shard.Samples) == split.Samples,
                $"the shards of split '{split.Name}' do not hold {split.Samples} samples");
        }

        foreach (var shard in Shards!)
        {
            Require(Split(shard.Split) is not null, $"shard {shard.Name} belongs to unknown split '{shard.Split}'");
            Require(shard.Sha256 is { Length: 64 } && shard.Sha256.All(char.IsAsciiHexDigit), $"shard {shard.Name} needs a hex SHA-256");
        }

        Require(Shards.Select(shard => shard.Name).Distinct().Count() == Shards.Count, "shard names must be unique");
        return this;
    }

    private void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new InvalidDataException($"Dataset manifest {Name} {Version} is invalid: {problem}.");
        }
    }
}
