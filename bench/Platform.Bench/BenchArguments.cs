using System.Globalization;

namespace Platform.Bench;

/// <summary>Options shared by every benchmark, as <c>--name value</c> pairs; unknown names are an error.</summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string> values;
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    private BenchArguments(Dictionary<string, string> values) => this.values = values;

    /// <summary>TorchSharp intra-op threads (default: one per core).</summary>
    public int Threads => Int("threads", Environment.ProcessorCount);

    /// <summary>Seconds to measure each configuration for, after warm-up.</summary>
    public double Seconds => Double("seconds", 20);

    public static BenchArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value' pairs, got '{string.Join(' ', args)}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        return new BenchArguments(values);
    }

    public int Int(string name, int fallback) =>
        Get(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) =>
        Get(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public string String(string name, string fallback) => Get(name) ?? fallback;

    /// <summary>Throws if an option was given that the benchmark never asked for (a typo would otherwise pass silently).</summary>
    public void EnsureAllUsed()
    {
        var unused = values.Keys.Where(k => !read.Contains(k)).ToArray();
        if (unused.Length > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", unused.Select(u => "--" + u))}.");
        }
    }

    private string? Get(string name)
    {
        read.Add(name);
        return values.GetValueOrDefault(name);
    }
}
