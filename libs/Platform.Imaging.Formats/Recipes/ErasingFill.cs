using System.Text.Json.Serialization;

namespace Platform.Imaging.Formats.Recipes;

/// <summary>What random erasing writes into a rectangle of the normalised image (timm's modes).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ErasingFill>))]
public enum ErasingFill
{
    /// <summary>A standard-normal value per pixel and channel (timm's <c>pixel</c>).</summary>
    [JsonStringEnumMemberName("pixel")]
    Pixel,

    /// <summary>One standard-normal value per channel for the whole rectangle (timm's <c>rand</c>).</summary>
    [JsonStringEnumMemberName("channel")]
    Channel,

    /// <summary>Zero, which is the normalisation mean's colour (timm's <c>const</c>).</summary>
    [JsonStringEnumMemberName("constant")]
    Constant,
}
