namespace Platform.Training.Calibration;

/// <summary>One bar of a reliability diagram: the images whose top-1 confidence lies in (Lower, Upper], their accuracy and mean confidence.</summary>
public sealed record ReliabilityBin(double Lower, double Upper, long Count, double Accuracy, double Confidence);
