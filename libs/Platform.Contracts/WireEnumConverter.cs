using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Contracts;

/// <summary>
/// How every state and kind travels between the services, the CLI and storage: its camelCase name (<c>published</c>,
/// <c>oversample</c>), the convention of docs/cli.md#wire-conventions. Put on the enum type, so it holds whatever options
/// a side serializes with. Names are read without regard to case, and numbers are still read, so records stored before
/// the convention (<c>"Published"</c>, or <c>0</c> for a method) still load.
/// </summary>
public sealed class WireEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;
