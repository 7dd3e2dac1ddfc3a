namespace Platform.Ingest.Sources;

public enum ArchiveKind
{
    Zip,
    Tar,
    TarGzip,
}
