namespace Microsoft.Extensions.Hosting;

/// <summary>The name a service goes by in queue names and diagnostics.</summary>
public sealed record ServiceIdentity(string Name);
