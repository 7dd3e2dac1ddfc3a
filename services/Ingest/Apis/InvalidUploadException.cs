using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Platform.Imaging.Shards;
using Platform.Imaging.Formats.Shards;

namespace Platform.Ingest.Apis;

public sealed class InvalidUploadException(string message) : Exception(message);
