using Platform.Training.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>Turns <see cref="TrainingConfig.Devices"/> into the devices of a run's replicas on this machine.</summary>
public static class ReplicaDevices
{
    /// <summary>
    /// auto: every visible CUDA device (unless <c>device: cpu</c>), else one CPU replica; a count N: the first N CUDA
    /// devices, or N CPU replicas where CUDA is absent or <c>device: cpu</c>; names: exactly those devices.
    /// </summary>
    /// <exception cref="InvalidOperationException">A named or counted device does not exist here (the message names it and what exists).</exception>
    public static IReadOnlyList<Device> Resolve(TrainingConfig config) =>
        Resolve(config, cuda.is_available() ? cuda.device_count() : 0);

    /// <param name="cudaDevices">CUDA devices visible to this process.</param>
    public static IReadOnlyList<Device> Resolve(TrainingConfig config, int cudaDevices)
    {
        ArgumentNullException.ThrowIfNull(config);
        var request = DeviceRequest.TryParse(config.Devices, out var error)
                      ?? throw new ArgumentException($"devices: {error}");
        bool useCuda = config.Device switch
        {
            DevicePreference.Cpu => false,
            DevicePreference.Cuda when cudaDevices == 0 => throw new InvalidOperationException(
                "The configuration requires device 'cuda' but CUDA is not available (no GPU, or a CPU build of TorchSharp; see TorchSharpFlavor in docs/training.md)."),
            _ => cudaDevices > 0,
        };

        if (request.IsAuto)
        {
            return useCuda ? [.. Enumerable.Range(0, cudaDevices).Select(i => new Device(DeviceType.CUDA, i))] : [CPU];
        }

        if (request.Count is { } count)
        {
            if (!useCuda)
            {
                return [.. Enumerable.Repeat(CPU, count)];
            }

            return count <= cudaDevices
                ? [.. Enumerable.Range(0, count).Select(i => new Device(DeviceType.CUDA, i))]
                : throw new InvalidOperationException(
                    $"devices asks for {count} CUDA devices but this machine has {cudaDevices} ({Visible(cudaDevices)}); give a count up to {cudaDevices} or auto.");
        }

        if (request.Names is ["cpu"])
        {
            return [CPU];
        }

        var missing = request.Names.Where(name => int.Parse(name.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture) >= cudaDevices).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"devices names {string.Join(", ", missing)}, which {(missing.Count == 1 ? "does" : "do")} not exist here: this machine has {Visible(cudaDevices)}.");
        }

        return [.. request.Names.Select(name => new Device(name))];
    }

    /// <summary>The names of a run's replica devices as reported (<c>cpu</c> once per CPU replica).</summary>
    public static IReadOnlyList<string> Names(IReadOnlyList<Device> devices) =>
        [.. devices.Select(device => device.type == DeviceType.CUDA ? $"cuda:{Math.Max(device.index, 0)}" : device.type.ToString().ToLowerInvariant())];

    private static string Visible(int cudaDevices) => cudaDevices == 0
        ? "no CUDA device (a CPU build of TorchSharp, or no GPU)"
        : $"{cudaDevices} CUDA device{(cudaDevices == 1 ? "" : "s")}: {string.Join(", ", Enumerable.Range(0, cudaDevices).Select(i => $"cuda:{i}"))}";
}
