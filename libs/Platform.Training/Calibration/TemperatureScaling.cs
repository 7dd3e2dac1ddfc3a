namespace Platform.Training.Calibration;

/// <summary>
/// Temperature scaling (Guo, Pleiss, Sun and Weinberger, "On Calibration of Modern Neural Networks", ICML 2017, §4.2): one scalar
/// T &gt; 0 divides every logit, chosen to minimise the negative log-likelihood on held-out (validation) data. It leaves the arg max,
/// so accuracy, unchanged and only makes the probabilities mean what they say. The NLL is convex in β = 1/T (a log-sum-exp of a
/// linear function minus a linear term), so a golden-section search over β finds the global minimum without gradients.
/// </summary>
public static class TemperatureScaling
{
    /// <summary>Search range of β = 1/T: temperatures from 0.05 to 20 cover any network worth serving.</summary>
    private const double MinInverseTemperature = 0.05;
    private const double MaxInverseTemperature = 20;
    private const int Iterations = 80;

    /// <summary>Fits T and reports the expected calibration error before (T = 1) and after, with both reliability diagrams.</summary>
    /// <param name="logits">Row-major [images, classes].</param>
    public static CalibrationReport Fit(ReadOnlySpan<float> logits, ReadOnlySpan<long> labels, int classes, int bins = ExpectedCalibrationError.DefaultBins)
    {
        if (labels.Length == 0 || logits.Length != labels.Length * classes)
        {
            throw new ArgumentException($"{logits.Length} logits do not make {labels.Length} rows of {classes} classes.", nameof(logits));
        }
        var temperature = FitTemperature(logits, labels, classes);
        var (eceBefore, before) = ExpectedCalibrationError.Measure(logits, labels, classes, 1, bins);
        var (eceAfter, after) = ExpectedCalibrationError.Measure(logits, labels, classes, temperature, bins);
        return new CalibrationReport(temperature, eceBefore, eceAfter, NegativeLogLikelihood(logits, labels, classes, 1),
            NegativeLogLikelihood(logits, labels, classes, 1 / temperature), labels.Length, before, after);
    }

    public static double FitTemperature(ReadOnlySpan<float> logits, ReadOnlySpan<long> labels, int classes)
    {
        var golden = (Math.Sqrt(5) - 1) / 2;
        double low = MinInverseTemperature, high = MaxInverseTemperature;
        var a = high - golden * (high - low);
        var b = low + golden * (high - low);
        var fa = NegativeLogLikelihood(logits, labels, classes, a);
        var fb = NegativeLogLikelihood(logits, labels, classes, b);
        for (var i = 0; i < Iterations; i++)
        {
            if (fa < fb)
            {
                (high, b, fb) = (b, a, fa);
                a = high - golden * (high - low);
                fa = NegativeLogLikelihood(logits, labels, classes, a);
            }
            else
            {
                (low, a, fa) = (a, b, fb);
                b = low + golden * (high - low);
                fb = NegativeLogLikelihood(logits, labels, classes, b);
            }
        }
        return 1 / ((low + high) / 2);
    }

    /// <summary>Mean −log softmax(β · logits)[label], computed with the maximum shifted out.</summary>
    public static double NegativeLogLikelihood(ReadOnlySpan<float> logits, ReadOnlySpan<long> labels, int classes, double inverseTemperature)
    {
        double total = 0;
        for (var n = 0; n < labels.Length; n++)
        {
            var row = logits.Slice(n * classes, classes);
            double max = double.NegativeInfinity;
            foreach (var value in row)
            {
                max = Math.Max(max, value * inverseTemperature);
            }
            double sum = 0;
            foreach (var value in row)
            {
                sum += Math.Exp(value * inverseTemperature - max);
            }
            total += max + Math.Log(sum) - row[(int)labels[n]] * inverseTemperature;
        }
        return total / labels.Length;
    }
}
