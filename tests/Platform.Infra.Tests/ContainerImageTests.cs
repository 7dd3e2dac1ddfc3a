namespace Platform.Infra.Tests;

/// <summary>
/// What <c>dotnet publish -t:PublishContainer</c> would build, read from the SDK's own ComputeContainerConfig target:
/// image names, tags and base images of the four services.
/// </summary>
public sealed class ContainerImageTests
{
    private const string ComputeContainerConfig = "ComputeContainerConfig";
    private static readonly string[] ImageProperties = ["ContainerRepository", "ContainerBaseImage", "Version", "TargetFramework"];
    private static readonly string[] ImageItems = ["ContainerImageTags"];

    [Theory]
    [InlineData("services/Ingest/Platform.Ingest.csproj", "platform/ingest")]
    [InlineData("services/Tracker/Platform.Tracker.csproj", "platform/tracker")]
    [InlineData("services/Trainer/Platform.Trainer.csproj", "platform/trainer")]
    [InlineData("services/Inference/Platform.Inference.csproj", "platform/inference")]
    public async Task Service_image_is_named_for_the_service_tagged_with_its_version_and_latest_on_the_Ubuntu_24_04_aspnet_image(
        string project, string repository)
    {
        var image = await MsBuildEvaluation.EvaluateAsync(project, ComputeContainerConfig, ImageProperties, ImageItems);

        Assert.Equal(repository, image.Property("ContainerRepository"));
        Assert.Equal([image.Property("Version"), "latest"], image.ItemIdentities("ContainerImageTags"));
        Assert.NotEmpty(image.Property("Version"));
        // net10.0 → the 10.0 runtime image; noble is Ubuntu 24.04, whose libstdc++ has the GLIBCXX_3.4.32 libtorch needs.
        var runtimeVersion = image.Property("TargetFramework")["net".Length..];
        Assert.Equal($"mcr.microsoft.com/dotnet/aspnet:{runtimeVersion}-noble", image.Property("ContainerBaseImage"));
    }

    [Fact]
    public async Task Trainer_built_with_the_cuda_flavour_is_tagged_as_the_cuda_variant()
    {
        var image = await MsBuildEvaluation.EvaluateAsync("services/Trainer/Platform.Trainer.csproj", ComputeContainerConfig,
            ImageProperties, ImageItems, new Dictionary<string, string> { ["TorchSharpFlavor"] = "cuda" });

        Assert.Equal("platform/trainer", image.Property("ContainerRepository"));
        Assert.Equal([$"{image.Property("Version")}-cuda", "latest-cuda"], image.ItemIdentities("ContainerImageTags"));
    }

    [Fact]
    public async Task Cuda_flavour_swaps_the_cpu_libtorch_package_for_the_cuda_one()
    {
        var cpu = await MsBuildEvaluation.EvaluateAsync("libs/Platform.Training/Platform.Training.csproj", null, [], ["PackageReference"]);
        var cuda = await MsBuildEvaluation.EvaluateAsync("libs/Platform.Training/Platform.Training.csproj", null, [], ["PackageReference"],
            new Dictionary<string, string> { ["TorchSharpFlavor"] = "cuda" });

        Assert.Contains("TorchSharp-cpu", cpu.ItemIdentities("PackageReference"));
        Assert.DoesNotContain("TorchSharp-cuda-linux", cpu.ItemIdentities("PackageReference"));
        Assert.Contains("TorchSharp-cuda-linux", cuda.ItemIdentities("PackageReference"));
        Assert.DoesNotContain("TorchSharp-cpu", cuda.ItemIdentities("PackageReference"));
    }

    [Fact]
    public async Task A_tag_given_by_azd_replaces_the_version_tags()
    {
        var image = await MsBuildEvaluation.EvaluateAsync("services/Ingest/Platform.Ingest.csproj", ComputeContainerConfig,
            ImageProperties, ImageItems, new Dictionary<string, string> { ["ContainerImageTag"] = "azd-deploy-1764288000" });

        Assert.Equal(["azd-deploy-1764288000"], image.ItemIdentities("ContainerImageTags"));
    }
}
