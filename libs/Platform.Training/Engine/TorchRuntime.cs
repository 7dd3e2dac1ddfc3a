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
    /// Sets libtorch's intra-op threads per replica: the configured value, else PLATFORM_TORCH_THREADS, else a first
    /// guess that the engine corrects once it has seen what the loader needs (<see cref="ThreadsBesideLoader"/>): every
    /// core shared among the CPU replicas, or with every replica on a GPU the processor count minus the loader workers.
    /// The setting is process-wide and each replica thread gets a team of that size.
    /// </summary>
    /// <param name="cpuReplicas">Replicas that compute on the CPU (0 when every replica is on a GPU).</param>
    /// <returns>The thread count in effect.</returns>
    public static int ConfigureThreads(int? configured, int loaderWorkers = 0, int cpuReplicas = 1)
    {
        int threads = FixedThreads(configured)
                      ?? (cpuReplicas > 0
                          ? Math.Max(1, Environment.ProcessorCount / cpuReplicas)
                          : Math.Max(1, Environment.ProcessorCount - loaderWorkers));
        SetThreads(threads);
        return threads;
    }

    /// <summary>The thread count the configuration or PLATFORM_TORCH_THREADS fixes; null when the engine may choose.</summary>
    public static int? FixedThreads(int? configured) =>
        configured ?? (int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out int fromEnvironment) && fromEnvironment > 0 ? fromEnvironment : null);

    /// <summary>
    /// Intra-op threads per CPU replica once the loader's need is known: the cores the loader keeps busy
    /// (<paramref name="loaderCores"/>, its busy time per second of wall time) are left to it, the rest shared among the
    /// replicas, rounded, at least 1. An idle loader leaves libtorch every core (2 on 2 cores); one busy core of JPEG
    /// decoding leaves it 1: libtorch's OpenMP threads wait for each other at every operation, and a thread descheduled
    /// for the loader stalls them all.
    /// </summary>
    public static int ThreadsBesideLoader(int processors, double loaderCores, int cpuReplicas)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(processors);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cpuReplicas);
        double free = processors - Math.Clamp(double.IsFinite(loaderCores) ? loaderCores : processors, 0, processors);
        return Math.Max(1, (int)Math.Round(free / cpuReplicas, MidpointRounding.AwayFromZero));
    }

    public static void SetThreads(int threads)
    {
        if (get_num_threads() != threads)
        {
            set_num_threads(threads);
        }
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

    /// <summary>The CPU generator's state (what dropout and drop path draw from on CPU replicas), as bytes.</summary>
    public static byte[] GetCpuRandomState()
    {
        using var state = random.get_rng_state();
        return state.data<byte>().ToArray();
    }

    /// <summary>Puts back a state <see cref="GetCpuRandomState"/> returned.</summary>
    public static void SetCpuRandomState(byte[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var saved = tensor(state, dtype: ScalarType.Byte);
        random.set_rng_state(saved);
    }
}
