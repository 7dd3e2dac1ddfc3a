using System.IO.Compression;
using Platform.Imaging.Data;
using Platform.Ingest.Datasets;
using Platform.Imaging.Formats.Data;

namespace Platform.Ingest.Sources;

public enum ArchiveKind
{
    Zip,
    Tar,
    TarGzip,
}
