using Platform.OnnxRuntime;

namespace Platform.Export.Parity;

/// <summary>How closely an exported model's ONNX Runtime outputs match the TorchSharp model's, on real images.</summary>
/// <param name="MaxAbsLogitDifference">max over images and classes of |Δlogit|.</param>
/// <param name="Top1Agreement">Fraction of images with the same arg-max class.</param>
/// <param name="ImagesCompared">Number of images both ran on.</param>
/// <param name="MaxAbsLogit">Largest |logit| TorchSharp produced: the scale the difference is measured against.</param>
/// <param name="Provider">The ONNX Runtime execution provider that produced the outputs.</param>
/// <param name="Thresholds">What the figures were judged against.</param>
public sealed record ParityReport(
    double MaxAbsLogitDifference,
    double Top1Agreement,
    int ImagesCompared,
    double MaxAbsLogit,
    ExecutionProvider Provider,
    ParityThresholds Thresholds)
{
    public bool Passed => ImagesCompared > 0
                          && MaxAbsLogitDifference <= Thresholds.MaxAbsLogitDifference
                          && Top1Agreement >= Thresholds.MinTop1Agreement;

    public override string ToString() =>
        $"max |Δlogit| {MaxAbsLogitDifference:E2} (limit {Thresholds.MaxAbsLogitDifference:E0}), top-1 agreement {Top1Agreement:P1} "
        + $"(minimum {Thresholds.MinTop1Agreement:P0}) over {ImagesCompared} images (max |logit| {MaxAbsLogit:G4}) on the {Provider} provider";
}
