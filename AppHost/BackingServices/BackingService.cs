namespace Platform.AppHost.BackingServices;

/// <summary>One backing service as the projects see it: a connection string, and the server to wait for.</summary>
public sealed record BackingService(
    IResourceBuilder<IResourceWithConnectionString> Connection,
    IResourceBuilder<IResource>? Server);
