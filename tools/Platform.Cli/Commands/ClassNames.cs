using Platform.Imaging.Formats.Data;

namespace Platform.Cli.Commands;

/// <summary>The --class-names value: label names in label order, comma-separated, or a known dataset's preset.</summary>
public static class ClassNames
{
    public static IReadOnlyList<string>? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "fashion-mnist" => IdxDataset.FashionMnistClasses,
        "mnist" => IdxDataset.MnistClasses,
        _ => value.Split(',', StringSplitOptions.TrimEntries),
    };
}
