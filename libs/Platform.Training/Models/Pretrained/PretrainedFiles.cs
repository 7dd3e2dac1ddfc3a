namespace Platform.Training.Models.Pretrained;

/// <summary>
/// Where pretrained weight files are found at run time: PretrainedWeights/ next to the application's assemblies
/// (Platform.Training's build copies them there from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18).
/// </summary>
public static class PretrainedFiles
{
    public const string FolderName = "PretrainedWeights";
    public const string ResNet18 = "ResNet18.onnx";
    public const string ResNetPreprocess = "ResNetPreprocess.onnx";

    /// <summary>Full path of <paramref name="fileName"/>.</summary>
    /// <exception cref="FileNotFoundException">The file was not copied next to the application.</exception>
    public static string Locate(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, FolderName, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"Pretrained weights file {path} is missing. It ships with Platform.Training's build output (copied from the "
                + "NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18); rebuild or republish the application that references Platform.Training.",
                path);
    }
}
