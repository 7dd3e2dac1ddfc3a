using static TorchSharp.torch;

namespace Platform.Trainer.Diagnostics;

/// <summary>
/// Loads libtorch once and records what it found. A trainer whose native libraries cannot load (a
/// libstdc++ too old, a CUDA package without a driver) must say so on /health instead of failing its
/// first job.
/// </summary>
public sealed class TorchRuntime(ILogger<TorchRuntime> logger)
{
    private readonly Lazy<TorchRuntimeStatus> status = new(() => Probe(logger));

    public TorchRuntimeStatus Status => status.Value;

    private static TorchRuntimeStatus Probe(ILogger logger)
    {
        try
        {
            var device = cuda.is_available() ? "cuda" : "cpu";
            using var probe = ones(2, 2);
            using var sum = probe.sum();
            var works = sum.item<float>() == 4f;
            IReadOnlyList<string> devices = device == "cuda" ? [.. Enumerable.Range(0, cuda.device_count()).Select(i => $"cuda:{i}")] : ["cpu"];
            var result = new TorchRuntimeStatus(works, device, works ? null : "a 2×2 sum gave a wrong answer") { Devices = devices };
            logger.LogInformation("libtorch loaded; training devices {Devices}", string.Join(", ", devices));
            return result;
        }
        catch (Exception exception) when (exception is DllNotFoundException or TypeInitializationException or NotSupportedException or EntryPointNotFoundException)
        {
            logger.LogError(exception, "libtorch failed to load");
            return new TorchRuntimeStatus(false, "none", exception.GetBaseException().Message);
        }
    }
}
