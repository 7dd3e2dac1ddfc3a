using Platform.TensorBoard;
using Platform.Training.Configuration;
using Platform.Training.Models;
using TorchSharp.Modules;
using static Platform.Contracts.Telemetry.TrainingTelemetryConventions;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>
/// A run's TensorBoard event file (<c>TrainingRunOptions.TensorBoardDirectory</c>): an HParams session start with the
/// configuration's parameters; per epoch the metrics under the guide's tags (<see cref="TensorBoardTags"/>) and a
/// histogram of each top-level block's weights and gradients (the epoch's last optimizer step), so histograms cost a
/// bounded 2 × blocks summaries an epoch whatever the step count; the step points at their global step; at the end the
/// final figures (the HParams dashboard's metric columns) and the session's end. Each event is flushed as it is
/// written, so a TensorBoard pointed at the folder follows the run.
/// </summary>
internal sealed class TensorBoardLog : IDisposable
{
    private readonly FileStream file;
    private readonly TensorBoardEventWriter writer;
    private readonly BlockLayout blocks;
    private readonly IReadOnlyList<Parameter> parameters;
    private bool ended;

    private TensorBoardLog(FileStream file, BlockLayout blocks, IReadOnlyList<Parameter> parameters)
    {
        this.file = file;
        writer = new TensorBoardEventWriter(file);
        this.blocks = blocks;
        this.parameters = parameters;
    }

    /// <param name="parameters">The model's parameters in <c>model.parameters()</c> order (the stepper's masters: what the optimizer updates).</param>
    public static TensorBoardLog Open(string directory, TrainingConfig config, ImageClassifier model, IReadOnlyList<Parameter> parameters)
    {
        Directory.CreateDirectory(directory);
        double now = Now();
        // TensorBoard's own naming (events.out.tfevents.<seconds>.<host>); a resumed attempt adds a file beside the first.
        var name = $"events.out.tfevents.{(long)now}.{Environment.MachineName}.{Environment.ProcessId}.{Guid.NewGuid():N}.platform";
        var file = new FileStream(Path.Combine(directory, name), FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        var log = new TensorBoardLog(file, BlockLayout.Of(model), parameters);
        log.writer.WriteFileVersion(now);
        log.writer.WriteHParamsSessionStart(now, config.ToParameters());
        log.file.Flush();
        return log;
    }

    public void Epoch(EpochMetrics metrics)
    {
        double now = Now();
        writer.WriteScalars(now, metrics.Epoch, MetricValues.Of(metrics).Select(m => (TensorBoardTags.For(m.Name), (float)m.Value)).ToList());
        writer.WriteHistograms(now, metrics.Epoch, Histograms());
        file.Flush();
    }

    public void Step(StepLogged point)
    {
        writer.WriteScalars(Now(), point.Step, MetricValues.Of(point).Select(m => (TensorBoardTags.For(m.Name), (float)m.Value)).ToList());
        file.Flush();
    }

    public void Completed(FinalReport report)
    {
        var final = new List<(string, float)>
        {
            (TensorBoardTags.Final(MetricNames.Accuracy), (float)report.Accuracy),
            (TensorBoardTags.Final(MetricNames.MacroF1), (float)report.MacroF1),
            (TensorBoardTags.Final(MetricNames.ValidationLoss), (float)report.ValidationLoss),
            (TensorBoardTags.Final(MetricNames.BestEpoch), report.BestEpoch),
        };
        writer.WriteScalars(Now(), report.History.Count == 0 ? 0 : report.History[^1].Epoch, final);
        End(HParamsSessionStatus.Success);
    }

    /// <summary>Ends the session once: a run that failed or was cancelled is listed as failed.</summary>
    public void End(HParamsSessionStatus status)
    {
        if (ended)
        {
            return;
        }

        ended = true;
        writer.WriteHParamsSessionEnd(Now(), status);
        file.Flush();
    }

    public void Dispose() => file.Dispose();

    private List<(string, TensorBoardHistogram)> Histograms()
    {
        var histograms = new List<(string, TensorBoardHistogram)>(blocks.Blocks.Count * 2);
        for (int b = 0; b < blocks.Blocks.Count; b++)
        {
            var inBlock = Enumerable.Range(0, parameters.Count).Where(i => blocks.BlockOfParameter[i] == b).Select(i => parameters[i]).ToList();
            if (Histogram(inBlock.Select(p => (Tensor?)p)) is { } weights)
            {
                histograms.Add((TensorBoardTags.Weights(blocks.Blocks[b]), weights));
            }
            if (Histogram(inBlock.Select(p => p.grad)) is { } gradients)
            {
                histograms.Add((TensorBoardTags.Gradients(blocks.Blocks[b]), gradients));
            }
        }

        return histograms;
    }

    /// <summary>One histogram of every value of the given tensors (a frozen parameter has no gradient and adds nothing).</summary>
    private static TensorBoardHistogram? Histogram(IEnumerable<Tensor?> tensors)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var flat = tensors.OfType<Tensor>().Select(t => t.detach().flatten().to(ScalarType.Float32)).ToList();
        if (flat.Count == 0)
        {
            return null;
        }

        var values = cat(flat).cpu().data<float>().ToArray();
        return TensorBoardHistogram.Of(values);
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
