using System.Globalization;

namespace Platform.Training.Configuration;

/// <summary>
/// The parsed <c>devices</c> setting: <c>auto</c> (every visible CUDA device, else the CPU), a count (the first N CUDA
/// devices, or N replicas on the CPU where there is no CUDA), or a list of names (<c>cuda:0,cuda:1</c>, <c>cpu</c>).
/// Whether named devices exist is known only where libtorch runs; the engine checks that when a run starts.
/// </summary>
public sealed record DeviceRequest
{
    /// <summary>The most replicas one run may have: far beyond one machine's GPUs, a guard against a typo like 1000.</summary>
    public const int MaxReplicas = 64;

    private DeviceRequest(bool isAuto, int? count, IReadOnlyList<string> names)
    {
        IsAuto = isAuto;
        Count = count;
        Names = names;
    }

    public static DeviceRequest Auto { get; } = new(true, null, []);

    public bool IsAuto { get; }

    /// <summary>The replica count when the setting was a number; null otherwise.</summary>
    public int? Count { get; }

    /// <summary>The device names when the setting was a list, normalised (<c>cuda</c> is <c>cuda:0</c>); empty otherwise.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Parses a <c>devices</c> value; on failure returns null and says why in <paramref name="error"/>.</summary>
    public static DeviceRequest? TryParse(string? text, out string? error)
    {
        error = null;
        var value = (text ?? "").Trim();
        if (value.Length == 0 || value.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return Auto;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            if (count is < 1 or > MaxReplicas)
            {
                error = $"a device count must be between 1 and {MaxReplicas} (got {count}).";
                return null;
            }

            return new DeviceRequest(false, count, []);
        }

        var names = new List<string>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            var name = Normalise(part);
            if (name is null)
            {
                error = $"'{part}' is not a device; use auto, a count, or names such as cuda:0,cuda:1 or cpu.";
                return null;
            }

            if (names.Contains(name))
            {
                error = $"{name} is listed twice; a device holds one replica.";
                return null;
            }

            names.Add(name);
        }

        if (names.Contains("cpu") && names.Count > 1)
        {
            error = "cpu cannot be listed beside other devices (the slowest replica would pace every step); for several CPU replicas give a count.";
            return null;
        }

        if (names.Count > MaxReplicas)
        {
            error = $"at most {MaxReplicas} devices (got {names.Count}).";
            return null;
        }

        return new DeviceRequest(false, null, names);
    }

    private static string? Normalise(string part)
    {
        var name = part.ToLowerInvariant();
        if (name == "cpu")
        {
            return name;
        }

        if (name == "cuda")
        {
            return "cuda:0";
        }

        return name.StartsWith("cuda:", StringComparison.Ordinal)
               && int.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
               && index < 1024
            ? $"cuda:{index}"
            : null;
    }
}
