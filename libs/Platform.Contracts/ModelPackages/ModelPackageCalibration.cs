namespace Platform.Contracts.ModelPackages;

/// <summary>
/// The packaged model's temperature scaling (Guo et al., 2017), fitted on the validation split: serving divides the logits by
/// <paramref name="Temperature"/> before the softmax. The reliability diagrams are in <see cref="ModelPackageLayout.MetricsFile"/>.
/// </summary>
/// <param name="EceBefore">Expected calibration error (15 bins) of the raw softmax on the validation split.</param>
/// <param name="EceAfter">The same with the temperature applied.</param>
/// <param name="Images">Validation images it was fitted on.</param>
public sealed record ModelPackageCalibration(double Temperature, double EceBefore, double EceAfter, int Images);
