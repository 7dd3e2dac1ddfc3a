using Platform.Imaging.Formats.Shards;

namespace Platform.Ingest.Apis;

/// <summary>The files of one upload, streamed to the work folder, with their SHA-256.</summary>
public sealed record ReceivedUpload(IReadOnlyDictionary<string, string> FilesByPart, IReadOnlyList<SourceFile> Sources);
