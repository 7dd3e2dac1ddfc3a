using System.IO.Compression;
using System.Text.Json;
using Platform.Training.Configuration;
using Platform.Training.Optimization;
using TorchSharp;

namespace Platform.Training.Checkpoints;

/// <summary>
/// The checkpoint format: a zip archive (stored, not compressed) with <c>manifest.json</c>
/// (<see cref="CheckpointManifest"/>), <c>model.bin</c> (TorchSharp <c>Module.save</c> of the fp32 master weights and
/// buffers), <c>optimizer.bin</c> (TorchSharp optimizer state: moments, step counts, group options) and, when the run
/// keeps an EMA of the weights, <c>ema.bin</c> (the averaged model).
/// </summary>
public static class CheckpointFile
{
    public const string ManifestEntry = "manifest.json";
    public const string ModelEntry = "model.bin";
    public const string OptimizerEntry = "optimizer.bin";
    public const string EmaEntry = "ema.bin";

    // The configuration's options, plus NaN and ±Infinity as named literals: a diverged run's losses and norms are still checkpointed.
    private static readonly JsonSerializerOptions ManifestJsonOptions = CreateManifestJsonOptions();

    private static JsonSerializerOptions CreateManifestJsonOptions()
    {
        var options = new JsonSerializerOptions(TrainingConfig.JsonOptions)
        {
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString
                             | System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static void Write(Stream destination, CheckpointManifest manifest, torch.nn.Module model, ParameterGroupOptimizer? optimizer, torch.nn.Module? ema = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(model);
        using var archive = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        using (var entry = archive.CreateEntry(ManifestEntry, CompressionLevel.NoCompression).Open())
        {
            JsonSerializer.Serialize(entry, manifest, ManifestJsonOptions);
        }

        using (var entry = archive.CreateEntry(ModelEntry, CompressionLevel.NoCompression).Open())
        using (var writer = new BinaryWriter(entry))
        {
            model.save(writer);
        }

        if (optimizer is not null)
        {
            using var entry = archive.CreateEntry(OptimizerEntry, CompressionLevel.NoCompression).Open();
            using var writer = new BinaryWriter(entry);
            optimizer.Save(writer);
        }

        if (ema is not null)
        {
            using var entry = archive.CreateEntry(EmaEntry, CompressionLevel.NoCompression).Open();
            using var writer = new BinaryWriter(entry);
            ema.save(writer);
        }
    }

    public static CheckpointManifest ReadManifest(Stream source)
    {
        using var archive = new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true);
        return ReadManifest(archive);
    }

    /// <summary>Loads weights (and optimizer and EMA state when given and present) into existing objects and returns the manifest.</summary>
    public static CheckpointManifest Read(Stream source, torch.nn.Module model, ParameterGroupOptimizer? optimizer, torch.nn.Module? ema = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var archive = new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true);
        var manifest = ReadManifest(archive);
        using (var entry = Entry(archive, ModelEntry).Open())
        using (var reader = new BinaryReader(entry))
        {
            model.load(reader);
        }

        if (optimizer is not null)
        {
            using var entry = Entry(archive, OptimizerEntry).Open();
            using var reader = new BinaryReader(entry);
            optimizer.Load(reader);
        }

        if (ema is not null && archive.GetEntry(EmaEntry) is { } emaEntry)
        {
            using var entry = emaEntry.Open();
            using var reader = new BinaryReader(entry);
            ema.load(reader);
        }

        return manifest;
    }

    private static CheckpointManifest ReadManifest(ZipArchive archive)
    {
        using var entry = Entry(archive, ManifestEntry).Open();
        var manifest = JsonSerializer.Deserialize<CheckpointManifest>(entry, ManifestJsonOptions)
                       ?? throw new InvalidDataException("The checkpoint manifest is empty.");
        return manifest.FormatVersion is >= CheckpointManifest.OldestReadableFormatVersion and <= CheckpointManifest.CurrentFormatVersion
            ? manifest
            : throw new InvalidDataException($"Checkpoint format {manifest.FormatVersion} is not supported (this trainer reads " +
                                             $"{CheckpointManifest.OldestReadableFormatVersion} to {CheckpointManifest.CurrentFormatVersion}).");
    }

    private static ZipArchiveEntry Entry(ZipArchive archive, string name) =>
        archive.GetEntry(name) ?? throw new InvalidDataException($"The checkpoint has no '{name}'.");
}
