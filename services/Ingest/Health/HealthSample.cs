namespace Platform.Ingest.Health;

/// <summary>An accepted image as the health check sees it: its key in the upload, label index and drawn split.</summary>
public readonly record struct HealthSample(string Key, int Label, int Split);
