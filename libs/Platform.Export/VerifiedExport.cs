using Platform.Export.Onnx;
using Platform.Export.Parity;
using Platform.OnnxRuntime;
using Platform.Training.Models;
using Platform.Imaging.Formats.Data;

namespace Platform.Export;

/// <summary>
/// The export path services use: export to ONNX, run ONNX Runtime and TorchSharp side by side on real validation
/// images, and hand out the model only when the parity gate passes (max |Δlogit| ≤ 1e-4 and 100 % top-1 agreement
/// by default).
/// </summary>
public static class VerifiedExport
{
    /// <param name="sessionOptions">The ONNX Runtime sessions the gate runs the export on; null = serving's defaults.</param>
    /// <exception cref="OnnxExportException">The model contains a module the exporter does not support.</exception>
    /// <exception cref="ParityGateException">ONNX Runtime's outputs are outside the thresholds (the report is attached).</exception>
    public static ExportResult Run(
        ImageClassifier model, OnnxModelMetadata metadata, ILabeledImageSource validationImages,
        OnnxSessionOptions? sessionOptions = null, ParityThresholds? thresholds = null, int maxImages = 32)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var bytes = OnnxExporter.ExportToBytes(model, metadata);
        using var session = new OnnxSessionFactory(sessionOptions).Create(bytes);
        var report = ParityGate.Enforce(model, session, validationImages, metadata.Preprocessing, maxImages, thresholds: thresholds);
        return new ExportResult(bytes, report, session.FallbackReason);
    }
}
