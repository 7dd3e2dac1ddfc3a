using System.Text.Json;

namespace Platform.Cli.Http;

/// <summary>
/// A service's answer twice over: <see cref="Value"/>, the shared contract record the CLI renders, and <see cref="Json"/>,
/// the document exactly as the service sent it, which is what <c>--json</c> prints.
/// </summary>
public sealed record ServiceAnswer<T>(T Value, JsonElement Json);
