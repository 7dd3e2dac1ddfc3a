namespace Platform.Contracts.ModelPackages;

/// <summary>The parity gate's figures for a packaged model (the full report is <see cref="ModelPackageLayout.ParityFile"/>).</summary>
/// <param name="MaxAbsLogitDifference">Largest |ONNX Runtime logit − TorchSharp logit| over the images compared.</param>
/// <param name="Top1Agreement">Fraction of images on which both predicted the same class.</param>
/// <param name="ImagesCompared">Validation images both ran on.</param>
/// <param name="Provider">The ONNX Runtime execution provider the gate ran the export on ("Cpu", "Cuda").</param>
public sealed record ModelPackageParity(double MaxAbsLogitDifference, double Top1Agreement, int ImagesCompared, string Provider);
