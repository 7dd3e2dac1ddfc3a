using Platform.Export.Onnx;
using Platform.Export.Parity;
using Platform.Trainer.Telemetry;

namespace Platform.Trainer.Jobs;

internal static class TaskExtensions
{
    /// <summary>Awaits the engine's task and tells the telemetry when it fails outside the engine.</summary>
    public static async Task<T> ReportingExportFailures<T>(this Task<T> task, RunTelemetryObserver observer)
    {
        try
        {
            return await task;
        }
        catch (Exception exception) when (exception is ParityGateException or OnnxExportException)
        {
            observer.Fail(exception.Message);
            throw new TrainingJobFailedException(exception is ParityGateException ? "ONNX parity gate failed" : "ONNX export failed", exception.Message, exception);
        }
    }
}
