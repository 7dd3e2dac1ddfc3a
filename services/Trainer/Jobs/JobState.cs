using System.Text.Json.Serialization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using Platform.Contracts;

namespace Platform.Trainer.Jobs;

[JsonConverter(typeof(WireEnumConverter<JobState>))]
public enum JobState
{
    Running,
    Interrupted,
    Completed,
    Failed,
    Cancelled,
}
