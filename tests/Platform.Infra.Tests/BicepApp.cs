using System.Text.RegularExpressions;

namespace Platform.Infra.Tests;

/// <summary>One service's container app as written in infra/apps/&lt;name&gt;.bicep, read as text.</summary>
public sealed partial class BicepApp
{
    private BicepApp(string serviceName, string text)
    {
        ServiceName = serviceName;
        Text = text;
        Environment = ReadEnvironment(text);
    }

    public string ServiceName { get; }

    public string Text { get; }

    /// <summary>The container's environment variables: name → the entry's Bicep text (value or secretRef).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public static string RelativePath(string serviceName) => $"apps/{serviceName}.bicep";

    public static BicepApp Load(string serviceName) =>
        new(serviceName, File.ReadAllText(InfraFiles.Path(RelativePath(serviceName))));

    /// <summary>From <c>key:</c> to the closing bracket of the first array after it (<c>key: cond ? [...] : []</c> included).</summary>
    public static string ArrayBlock(string text, string key)
    {
        var start = text.IndexOf($"{key}:", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No '{key}:' found.");
        var depth = 0;
        for (var index = text.IndexOf('[', start); index < text.Length; index++)
        {
            depth += text[index] switch { '[' => 1, ']' => -1, _ => 0 };
            if (depth == 0)
            {
                return text[start..(index + 1)];
            }
        }
        throw new InvalidOperationException($"'{key}: [' is never closed.");
    }

    private static Dictionary<string, string> ReadEnvironment(string text)
    {
        var block = ArrayBlock(text, "env");
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match entry in EnvironmentEntry().Matches(block))
        {
            Assert.True(entries.TryAdd(entry.Groups["name"].Value, entry.Groups["rest"].Value.Trim()),
                $"{entry.Groups["name"].Value} is set twice.");
        }
        return entries;
    }

    // { [// comments] name: 'X' value or secretRef, where values may hold ${...} interpolations }
    [GeneratedRegex(@"\{\s*(?://[^\n]*\s*)*name:\s*'(?<name>[^']+)'(?<rest>(?:[^{}]|\$\{[^{}]*\})*)\}")]
    private static partial Regex EnvironmentEntry();
}
