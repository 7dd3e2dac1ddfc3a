namespace Platform.Export.Parity;

/// <param name="MaxAbsLogitDifference">Largest |ONNX Runtime logit − TorchSharp logit| a passing export may show.</param>
/// <param name="MinTop1Agreement">Smallest fraction of images on which both predict the same class (1 = all).</param>
public sealed record ParityThresholds(double MaxAbsLogitDifference = 1e-4, double MinTop1Agreement = 1.0);
