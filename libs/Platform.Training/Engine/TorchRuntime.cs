using Platform.Training.Configuration;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>Process-wide libtorch settings: compute device and intra-op threads.</summary>
public static class TorchRuntime
{
    /// <summary>Environment variable that sets the thread count when the configuration does not.</summary>
    public const string ThreadsVariable = "PLATFORM_TORCH_THREADS";

    /// <summary>CUDA when it is available and allowed, otherwise the CPU.</summary>
    /// <exception cref="InvalidOperationException">CUDA was required but is not available.</exception>
    public static Device SelectDevice(DevicePreference preference) => preference switch
    {
        DevicePreference.Cpu => CPU,
        DevicePreference.Cuda when cuda.is_available() => CUDA,
        DevicePreference.Cuda => throw new InvalidOperationException(
            "The configuration requires device 'cuda' but CUDA is not available (no GPU, or a CPU build of TorchSharp; see TorchSharpFlavor in docs/training.md)."),
        _ => cuda.is_available() ? CUDA : CPU,
    };

    /// <summary>
    /// Sets libtorch's intra-op threads per replica: the configured value, else PLATFORM_TORCH_THREADS, else the
    /// processor count minus the loader workers (at least 1) shared among the CPU replicas, so decoding and compute do
    /// not oversubscribe the cores: libtorch's OpenMP threads wait for each other at every operation, and a descheduled
    /// one stalls them all. The setting is process-wide and each replica thread gets a team of that size.
    /// </summary>
    /// <param name="cpuReplicas">Replicas that compute on the CPU (0 when every replica is on a GPU).</param>
    /// <returns>The thread count in effect.</returns>
    public static int ConfigureThreads(int? configured, int loaderWorkers = 0, int cpuReplicas = 1)
    {
        int threads = configured
                      ?? (int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out int fromEnvironment) && fromEnvironment > 0
                          ? fromEnvironment
                          : Math.Max(1, (Environment.ProcessorCount - loaderWorkers) / Math.Max(cpuReplicas, 1)));
        if (get_num_threads() != threads)
        {
            set_num_threads(threads);
        }

        return threads;
    }

    /// <summary>Seeds every torch generator (CPU and CUDA).</summary>
    public static void Seed(long seed)
    {
        random.manual_seed(seed);
        if (cuda.is_available())
        {
            cuda.manual_seed_all(seed);
        }
    }
}
