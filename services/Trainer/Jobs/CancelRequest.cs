using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Platform.Contracts;

namespace Platform.Trainer.Jobs;

/// <summary>A request to cancel a run, kept beside its lease until the run ends or is resumed.</summary>
public sealed record CancelRequest(string Reason, DateTimeOffset RequestedAt);
