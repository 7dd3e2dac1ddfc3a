using Platform.Ingest.Sources;

namespace Platform.Ingest.Tests;

/// <summary>A source with nothing in it, for stages that must decide without reading.</summary>
public sealed class EmptyIngestSource : IIngestSource
{
    public string Description => "empty";

    public int NaturalChannels => 3;

    public IEnumerable<SourceItem> Read(CancellationToken cancellationToken) => [];

    public void Dispose()
    {
    }
}
