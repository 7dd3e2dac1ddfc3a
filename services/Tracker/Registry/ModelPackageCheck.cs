using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Contracts.Models;

namespace Platform.Tracker.Registry;

/// <summary>
/// Whether a registered version can be loaded by inference, checked before an alias routes to it (primary, split share or shadow):
/// its package in blob storage has a <see cref="ModelPackageLayout.IndexFile"/> that reads strictly as a <see cref="ModelPackageIndex"/>
/// of this model and run, listing every serving file, and each serving file is present and not empty. The graph itself is checked
/// by inference when it loads (the tracker runs no ONNX Runtime); a version that passes here and still fails there leaves the alias
/// on its previous route in inference.
/// </summary>
public sealed class ModelPackageCheck(BlobServiceClient blobs)
{
    /// <summary>Why <paramref name="version"/> cannot be served, or null when its package is complete.</summary>
    /// <exception cref="RequestFailedException">Blob storage answered with something other than "not found".</exception>
    public async Task<string?> ProblemAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
        var package = $"{StorageLayout.ModelsContainer}/{StorageLayout.ModelPackagePrefix(version.ModelName, version.RunId)}";
        string text;
        try
        {
            var index = container.GetBlobClient(StorageLayout.ModelPackageFile(version.ModelName, version.RunId, ModelPackageLayout.IndexFile));
            text = (await index.DownloadContentAsync(cancellationToken)).Value.Content.ToString();
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return $"Version {version.Version} cannot be loaded: its package {package} has no {ModelPackageLayout.IndexFile} (deleted, or never completed).";
        }
        ModelPackageIndex read;
        try
        {
            read = ModelPackageIndex.FromJson(text);
        }
        catch (JsonException exception)
        {
            return $"Version {version.Version} cannot be loaded: {package}{ModelPackageLayout.IndexFile} is not a model package index ({exception.Message}).";
        }
        if (read.ProblemFor(version.ModelName, version.RunId) is { } problem)
        {
            return $"Version {version.Version} cannot be loaded: {package}{ModelPackageLayout.IndexFile} is wrong: {problem}.";
        }
        foreach (var file in ModelPackageLayout.ServingFiles)
        {
            try
            {
                var properties = await container.GetBlobClient(StorageLayout.ModelPackageFile(version.ModelName, version.RunId, file))
                    .GetPropertiesAsync(cancellationToken: cancellationToken);
                if (properties.Value.ContentLength == 0)
                {
                    return $"Version {version.Version} cannot be loaded: {package}{file} is empty.";
                }
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                return $"Version {version.Version} cannot be loaded: its package {package} has no {file}.";
            }
        }
        return null;
    }

    /// <summary>The problems of every version named (each checked once, side by side), in the order given.</summary>
    public async Task<string[]> ProblemsAsync(RegisteredModel model, IEnumerable<int> versions, CancellationToken cancellationToken)
    {
        var checks = versions.Distinct().Select(number => model.Versions.Single(v => v.Version == number))
            .Select(version => ProblemAsync(version, cancellationToken)).ToArray();
        return [.. (await Task.WhenAll(checks)).OfType<string>()];
    }
}
