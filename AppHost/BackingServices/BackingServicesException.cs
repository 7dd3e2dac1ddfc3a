namespace Platform.AppHost.BackingServices;

/// <summary>A backing service cannot be provided; the message says what is missing and how to fix it.</summary>
public sealed class BackingServicesException(string message) : Exception(message);
