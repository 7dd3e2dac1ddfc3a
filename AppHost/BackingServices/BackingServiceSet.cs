namespace Platform.AppHost.BackingServices;

public sealed record BackingServiceSet(BackingService Redis, BackingService Messaging, BackingService Blobs, BackingServicesMode Mode);
