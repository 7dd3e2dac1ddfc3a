using System.Text.RegularExpressions;

namespace Platform.Contracts.Naming;

/// <summary>
/// The name rules of everything a user names. Dataset names become blob prefixes and URL segments, so they are the
/// strictest (lowercase, as blob-friendly tools expect); experiments, models and aliases appear in URLs and Redis keys.
/// </summary>
public static partial class ResourceNames
{
    public static NameRule Dataset { get; } = new("dataset name", DatasetPattern(),
        "1–63 characters: lowercase letters, digits and dashes, starting with a letter or digit");

    public static NameRule Experiment { get; } = new("experiment name", GeneralPattern(), GeneralDescription);

    public static NameRule Model { get; } = new("model name", GeneralPattern(), GeneralDescription);

    public static NameRule Alias { get; } = new("alias", GeneralPattern(), GeneralDescription);

    private const string GeneralDescription = "1–100 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex DatasetPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex GeneralPattern();
}
