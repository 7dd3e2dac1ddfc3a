using Platform.Ingest.Sources;
using Platform.Imaging.Formats.Shards;

namespace Platform.Ingest.Processing;

/// <summary>A received upload waiting to be processed; <see cref="WorkFolder"/> holds its files.</summary>
public sealed record IngestJob(string Name, int Version, string WorkFolder, Func<IIngestSource> OpenSource, IReadOnlyList<SourceFile> Uploads);
