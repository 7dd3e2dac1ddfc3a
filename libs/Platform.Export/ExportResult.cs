using Platform.Export.Parity;

namespace Platform.Export;

/// <summary>The exported model and the parity figures it passed with (callers record them with the run).</summary>
public sealed record ExportResult(byte[] Model, ParityReport Parity, string? FallbackReason);
