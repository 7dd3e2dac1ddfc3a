using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Trainer.Diagnostics;

namespace Platform.Trainer.Tests;

public sealed class TorchRuntimeHealthCheckTests
{
    [Fact]
    public async Task Health_lists_the_devices_the_trainer_sees()
    {
        var runtime = new TorchRuntime(NullLogger<TorchRuntime>.Instance);
        var result = await new TorchRuntimeHealthCheck(runtime).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        // What devices: auto trains on: every CUDA device, else the CPU (a CPU build of TorchSharp, as in CI).
        string[] expected = TorchSharp.torch.cuda.is_available()
            ? [.. Enumerable.Range(0, TorchSharp.torch.cuda.device_count()).Select(i => $"cuda:{i}")]
            : ["cpu"];
        Assert.Equal(expected, runtime.Status.Devices);
        Assert.Equal($"libtorch loaded; devices {string.Join(", ", expected)}", result.Description);
    }
}
