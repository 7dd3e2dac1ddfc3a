namespace Platform.Ingest.Sources;

public sealed record RejectedItem(string Key, string Reason, string Detail) : SourceItem(Key);
