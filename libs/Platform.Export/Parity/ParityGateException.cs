namespace Platform.Export.Parity;

/// <summary>The exported model does not reproduce the TorchSharp model within the parity thresholds.</summary>
public sealed class ParityGateException(ParityReport report)
    : Exception($"ONNX export failed the parity gate: {report}.")
{
    public ParityReport Report { get; } = report;
}
