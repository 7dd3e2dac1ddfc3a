using Platform.Export.Parity;
using Platform.Imaging.Data;
using Platform.Training.Models;
using Platform.Imaging.Formats.Data;

namespace Platform.Export;

/// <summary>The exported model and the parity figures it passed with (callers record them with the run).</summary>
public sealed record ExportResult(byte[] Model, ParityReport Parity, string? FallbackReason);
