using Platform.Training.Configuration;
using Platform.Training.Engine;

namespace Platform.Training.Tests;

public sealed class DeviceConfigurationTests
{
    [Theory]
    [InlineData("auto", 0, new[] { "cpu" })]
    [InlineData("auto", 2, new[] { "cuda:0", "cuda:1" })]
    [InlineData("3", 0, new[] { "cpu", "cpu", "cpu" })]
    [InlineData("2", 4, new[] { "cuda:0", "cuda:1" })]
    [InlineData("cuda:1, cuda:0", 2, new[] { "cuda:1", "cuda:0" })]
    [InlineData("cuda", 1, new[] { "cuda:0" })]
    [InlineData("cpu", 2, new[] { "cpu" })]
    public void DevicesResolveToReplicaDevices(string devices, int cudaDevices, string[] expected)
    {
        Assert.Equal(expected, ReplicaDevices.Names(ReplicaDevices.Resolve(new TrainingConfig { Devices = devices }, cudaDevices)));
    }

    [Fact]
    public void DeviceCpuKeepsACountOnTheCpuEvenWithCuda()
    {
        Assert.Equal(["cpu", "cpu"], ReplicaDevices.Names(ReplicaDevices.Resolve(new TrainingConfig { Devices = "2", Device = DevicePreference.Cpu }, cudaDevices: 2)));
    }

    [Theory]
    [InlineData("cuda:0,cuda:3", 2, "cuda:3")]
    [InlineData("cuda:2,cuda:3", 2, "cuda:2, cuda:3")]
    [InlineData("cuda:0", 0, "cuda:0")]
    [InlineData("4", 2, "4 CUDA devices")]
    public void DevicesThatDoNotExistAreRefusedByName(string devices, int cudaDevices, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ReplicaDevices.Resolve(new TrainingConfig { Devices = devices }, cudaDevices));
        Assert.Contains(named, error.Message);
        Assert.Contains(cudaDevices == 0 ? "no CUDA device" : $"cuda:{cudaDevices - 1}", error.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("gpu:0")]
    [InlineData("cuda:0,cuda:0")]
    [InlineData("cpu,cuda:0")]
    public void MalformedDevicesAreViolations(string devices)
    {
        Assert.Contains(new TrainingConfig { Devices = devices }.Validate(), v => v.Field == "devices");
    }

    [Fact]
    public void DevicesReadsACountOrANameListFromJson()
    {
        Assert.Equal("2", TrainingConfig.FromJson("""{ "devices": 2 }""").Devices);
        Assert.Equal("cuda:0,cuda:1", TrainingConfig.FromJson("""{ "devices": "cuda:0,cuda:1" }""").Devices);
        Assert.Equal("auto", TrainingConfig.FromJson("{}").Devices);
        Assert.Contains(new TrainingConfig { Devices = "cuda:0", Device = DevicePreference.Cpu }.Validate(), v => v.Field == "devices");
    }

    [Theory]
    [InlineData(LearningRateScaling.None, 1.0)]
    [InlineData(LearningRateScaling.Linear, 0.5)]
    [InlineData(LearningRateScaling.Sqrt, 0.7071067811865476)]
    public void LrScalingFollowsTheGlobalBatchAgainstTheBaseBatch(LearningRateScaling rule, double factor)
    {
        // 2 replicas × 32 × 2 accumulation steps = 128 images per optimizer step, against a base of 256.
        var config = new TrainingConfig { BatchSize = 32, AccumulationSteps = 2, LrScaling = rule, LrBaseBatch = 256 };
        Assert.Equal(64, config.GlobalBatchSize(2));
        Assert.Equal(factor, config.LearningRateFactor(2), 12);
    }
}
