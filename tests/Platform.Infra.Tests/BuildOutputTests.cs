using System.Text.Json;

namespace Platform.Infra.Tests;

/// <summary>
/// Which packages' native libraries a build copies into a project's output (build/HostNativeAssetsOnly.targets): only the build
/// host's platform's, unless asked for all or publishing.
/// </summary>
public sealed class BuildOutputTests
{
    private const string TrainingProject = "libs/Platform.Training/Platform.Training.csproj";
    private const string NativeItems = "RuntimeTargetsCopyLocalItems";

    [Fact]
    public async Task A_build_copies_only_the_native_libraries_of_the_platform_it_runs_on()
    {
        var evaluation = await ResolveNativesAsync();
        var host = evaluation.Property("NETCoreSdkPortableRuntimeIdentifier");
        var family = host[..host.IndexOf('-')];

        var natives = NativeRuntimeIdentifiers(evaluation);

        Assert.Contains(host, natives);
        Assert.All(natives, rid => Assert.Contains(rid, new[] { host, family, "unix", "any" }));
        Assert.Contains(NativeFiles(evaluation), file => file.StartsWith("libtorch_cpu.", StringComparison.Ordinal) || file == "torch_cpu.dll");
    }

    [Theory]
    [InlineData("KeepNativeAssetsForAllPlatforms")]
    [InlineData("_IsPublishing")]
    public async Task Asked_for_all_platforms_or_publishing_it_keeps_every_platform(string property)
    {
        var evaluation = await ResolveNativesAsync(new Dictionary<string, string> { [property] = "true" });

        var natives = NativeRuntimeIdentifiers(evaluation);

        Assert.Contains("linux-x64", natives);
        Assert.Contains("win-x64", natives);
        Assert.Contains("osx-arm64", natives);
    }

    [Theory]
    [InlineData("services/Tracker/Platform.Tracker.csproj")]
    [InlineData("tools/Platform.Cli/Platform.Cli.csproj")]
    public async Task The_tracker_and_the_cli_carry_no_imaging_or_torch_native_library(string project)
    {
        var evaluation = await MsBuildEvaluation.EvaluateAsync(project, "ResolvePackageAssets", [], [NativeItems]);

        var files = NativeFiles(evaluation).ToList();

        Assert.DoesNotContain(files, file => file.Contains("SkiaSharp", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(files, file => file.Contains("torch", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("services/Ingest/Platform.Ingest.csproj")]
    [InlineData("services/Inference/Platform.Inference.csproj")]
    public async Task Ingest_and_inference_carry_skiasharp_but_no_libtorch(string project)
    {
        var evaluation = await MsBuildEvaluation.EvaluateAsync(project, "ResolvePackageAssets", [], [NativeItems]);

        var files = NativeFiles(evaluation).ToList();

        Assert.Contains(files, file => file.StartsWith("libSkiaSharp", StringComparison.Ordinal) || file == "libSkiaSharp.dll");
        Assert.DoesNotContain(files, file => file.Contains("torch", StringComparison.OrdinalIgnoreCase));
    }

    private static Task<JsonElement> ResolveNativesAsync(IReadOnlyDictionary<string, string>? properties = null) =>
        MsBuildEvaluation.EvaluateAsync(TrainingProject, "ResolvePackageAssets", ["NETCoreSdkPortableRuntimeIdentifier"], [NativeItems], properties);

    private static HashSet<string> NativeRuntimeIdentifiers(JsonElement evaluation) =>
        NativeItemsOf(evaluation).Select(item => item.GetProperty("RuntimeIdentifier").GetString()!).ToHashSet();

    private static IEnumerable<string> NativeFiles(JsonElement evaluation) =>
        NativeItemsOf(evaluation).Select(item => Path.GetFileName(item.GetProperty("Identity").GetString()!));

    private static IEnumerable<JsonElement> NativeItemsOf(JsonElement evaluation) =>
        evaluation.GetProperty("Items").GetProperty(NativeItems).EnumerateArray()
            .Where(item => item.GetProperty("AssetType").GetString() == "native");
}
