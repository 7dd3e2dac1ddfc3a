using System.Text.Json;
using Platform.Contracts.Runs;
using Platform.Contracts.Telemetry;
using Platform.Otlp;

namespace Platform.Tracker.Otlp;

public sealed record MetricPoint(string Metric, long Step, double Value, double WallTimeSeconds);
