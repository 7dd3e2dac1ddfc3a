using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Platform.Contracts;

namespace Platform.Trainer.Jobs;

public sealed class LeaseLostException(Guid runId) : Exception($"Another trainer took over run {runId}: its lease was not renewed in time.");
