using Platform.Imaging.Formats.Shards;
using Platform.Contracts.Datasets;

namespace Platform.Ingest.Processing;

/// <summary>The outcome of a successful ingest: the manifest as published and the report.</summary>
public sealed record IngestResult(DatasetManifest Manifest, Uri ManifestUri, IngestReport Report);
