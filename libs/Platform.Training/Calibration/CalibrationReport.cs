namespace Platform.Training.Calibration;

/// <summary>The fitted temperature and how calibrated the validation probabilities were before (T = 1) and after.</summary>
public sealed record CalibrationReport(double Temperature, double EceBefore, double EceAfter, double NllBefore, double NllAfter, int Images,
    IReadOnlyList<ReliabilityBin> ReliabilityBefore, IReadOnlyList<ReliabilityBin> ReliabilityAfter);
