using System.Globalization;
using System.Text.Json;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Export.Onnx;

/// <summary>
/// Everything an inference service needs besides the graph, stored as ONNX metadata properties (string key/value
/// pairs, see docs/onnx-export.md): class labels in logit order, the input tensor's name and size, and the exact
/// evaluation transform recipe (resize, crop, channel count, mean and standard deviation).
/// </summary>
/// <param name="Architecture">Registry name of the exported model.</param>
/// <param name="Labels">Class names; logit i belongs to Labels[i].</param>
/// <param name="Preprocessing">The deterministic evaluation recipe the model was validated with.</param>
/// <param name="InputName">Name of the graph input, [batch, channels, size, size] float32.</param>
/// <param name="OutputName">Name of the graph output, [batch, classes] float32 logits.</param>
public sealed record OnnxModelMetadata(
    string Architecture,
    IReadOnlyList<string> Labels,
    TransformRecipe Preprocessing,
    string InputName = OnnxModelMetadata.DefaultInputName,
    string OutputName = OnnxModelMetadata.DefaultOutputName)
{
    public const string DefaultInputName = "input";
    public const string DefaultOutputName = "logits";
    public const string BatchAxisName = "batch";

    public const string ArchitectureKey = "platform.architecture";
    public const string LabelsKey = "platform.labels";
    public const string InputNameKey = "platform.input_name";
    public const string OutputNameKey = "platform.output_name";
    public const string InputSizeKey = "platform.input_size";
    public const string InputChannelsKey = "platform.input_channels";
    public const string MeanKey = "platform.mean";
    public const string StdKey = "platform.std";
    public const string PreprocessingKey = "platform.preprocessing";

    public int InputSize => Preprocessing.Size;

    public int InputChannels => Preprocessing.Channels;

    /// <summary>The metadata as ONNX <c>metadata_props</c> entries.</summary>
    public IReadOnlyDictionary<string, string> ToProperties() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ArchitectureKey] = Architecture,
        [LabelsKey] = JsonSerializer.Serialize(Labels),
        [InputNameKey] = InputName,
        [OutputNameKey] = OutputName,
        [InputSizeKey] = InputSize.ToString(CultureInfo.InvariantCulture),
        [InputChannelsKey] = InputChannels.ToString(CultureInfo.InvariantCulture),
        [MeanKey] = JsonSerializer.Serialize(Preprocessing.Mean),
        [StdKey] = JsonSerializer.Serialize(Preprocessing.Std),
        [PreprocessingKey] = Preprocessing.ToJson(),
    };

    /// <summary>Reads the metadata back, e.g. from ONNX Runtime's <c>ModelMetadata.CustomMetadataMap</c>.</summary>
    /// <exception cref="InvalidDataException">A key is missing or malformed (not a model exported by Platform).</exception>
    public static OnnxModelMetadata FromProperties(IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        string Required(string key) => properties.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"The ONNX model has no '{key}' metadata property; it was not exported by Platform.Export.");
        try
        {
            var labels = JsonSerializer.Deserialize<string[]>(Required(LabelsKey))
                         ?? throw new InvalidDataException($"'{LabelsKey}' is null.");
            var recipe = TransformRecipe.FromJson(Required(PreprocessingKey));
            return new OnnxModelMetadata(Required(ArchitectureKey), labels, recipe, Required(InputNameKey), Required(OutputNameKey));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Malformed Platform metadata in the ONNX model: {ex.Message}", ex);
        }
    }
}
