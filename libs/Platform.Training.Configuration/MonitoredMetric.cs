namespace Platform.Training.Configuration;

public enum MonitoredMetric
{
    ValLoss,
    ValAccuracy,
}
