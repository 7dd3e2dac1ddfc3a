namespace Platform.Ingest.Sources;

/// <summary>One thing found in an upload, identified by its path inside it.</summary>
public abstract record SourceItem(string Key);
