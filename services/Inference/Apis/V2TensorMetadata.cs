using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Platform.Inference.Serving;
using Platform.Inference.Telemetry;

namespace Platform.Inference.Apis;

public sealed record V2TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);
