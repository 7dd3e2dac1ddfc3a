using Platform.Imaging.Formats.Recipes;

namespace Platform.Training.Configuration;

public enum MonitoredMetric
{
    ValLoss,
    ValAccuracy,
}
