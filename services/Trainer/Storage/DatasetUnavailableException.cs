using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Imaging.Shards;
using Platform.Trainer.Jobs;
using Platform.Imaging.Formats.Shards;

namespace Platform.Trainer.Storage;

/// <summary>The dataset version is missing, unpublished or damaged: the run cannot succeed by retrying.</summary>
public sealed class DatasetUnavailableException(string message) : Exception(message);
