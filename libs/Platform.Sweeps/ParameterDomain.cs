using System.Globalization;
using System.Text.Json;

namespace Platform.Sweeps;

/// <summary>
/// One parameter of a search space, validated: a configuration path and where its values come from. Numeric domains are
/// handled by the search methods in an internal coordinate — the value, or its logarithm for <see cref="DomainKind.LogUniform"/> —
/// in which they are uniform; a <see cref="Q"/> rounds every value to a multiple of Q (Bergstra et al. 2011's quantised priors).
/// </summary>
public sealed record ParameterDomain(string Path, DomainKind Kind, IReadOnlyList<JsonElement> Values, double Min, double Max, double? Q)
{
    /// <summary>Most grid points a numeric domain may enumerate (a typo such as q: 1e-9 must not plan a billion trials).</summary>
    public const int MaxGridPoints = 1000;

    /// <summary>Whether a grid can enumerate it: a list of values, integers, or a quantised range.</summary>
    public bool IsDiscrete => Kind is DomainKind.Values or DomainKind.IntUniform || Q is not null;

    public static ParameterDomain OfValues(string path, IReadOnlyList<JsonElement> values) => new(path, DomainKind.Values, values, 0, values.Count - 1, null);

    /// <summary>The values a grid tries, in order: the list, or every quantised (or integer) value from min to max.</summary>
    public IReadOnlyList<JsonElement> GridPoints()
    {
        if (Kind == DomainKind.Values)
        {
            return Values;
        }
        var step = Q ?? 1;
        var first = Math.Ceiling(Min / step - 1e-9);
        var last = Math.Floor(Max / step + 1e-9);
        var points = new List<JsonElement>();
        for (var k = first; k <= last && points.Count <= MaxGridPoints; k++)
        {
            points.Add(Number(k * step));
        }
        return points;
    }

    /// <summary>The number of grid points, without building them.</summary>
    public long GridSize() => Kind == DomainKind.Values ? Values.Count
        : (long)(Math.Floor(Max / (Q ?? 1) + 1e-9) - Math.Ceiling(Min / (Q ?? 1) - 1e-9) + 1);

    /// <summary>A value drawn from the prior (uniform in the internal coordinate).</summary>
    public JsonElement Sample(Random random) => Kind == DomainKind.Values
        ? Values[random.Next(Values.Count)]
        : FromInternal(InternalMin + random.NextDouble() * (InternalMax - InternalMin));

    /// <summary>The lower end of the internal coordinate (an index range for a list of values).</summary>
    public double InternalMin => Kind switch
    {
        DomainKind.LogUniform => Math.Log(Min),
        DomainKind.IntUniform => Min - 0.5,
        _ => Min,
    };

    public double InternalMax => Kind switch
    {
        DomainKind.LogUniform => Math.Log(Max),
        DomainKind.IntUniform => Max + 0.5,
        _ => Max,
    };

    /// <summary>A value's internal coordinate (for a list of values: its index).</summary>
    public double ToInternal(JsonElement value)
    {
        if (Kind == DomainKind.Values)
        {
            var text = value.GetRawText();
            for (var i = 0; i < Values.Count; i++)
            {
                if (Values[i].GetRawText() == text)
                {
                    return i;
                }
            }
            return -1;
        }
        var number = value.GetDouble();
        return Kind == DomainKind.LogUniform ? Math.Log(number) : number;
    }

    /// <summary>The value at an internal coordinate: quantised, rounded to an integer where it must be, and kept within [min, max].</summary>
    public JsonElement FromInternal(double coordinate)
    {
        if (Kind == DomainKind.Values)
        {
            return Values[Math.Clamp((int)Math.Round(coordinate), 0, Values.Count - 1)];
        }
        var value = Kind == DomainKind.LogUniform ? Math.Exp(coordinate) : coordinate;
        if (Kind == DomainKind.IntUniform && Q is null)
        {
            value = Math.Round(value, MidpointRounding.AwayFromZero);
        }
        if (Q is { } q)
        {
            value = Math.Round(value / q, MidpointRounding.AwayFromZero) * q;
            // Rounding can leave the range (min 0.15, q 0.1 rounds 0.15 to 0.2 but 0.14 to 0.1): step back inside.
            if (value < Min - 1e-12)
            {
                value += q;
            }
            if (value > Max + 1e-12)
            {
                value -= q;
            }
        }
        return Number(Math.Clamp(value, Min, Max));
    }

    /// <summary>A number as JSON: an integer for an integer domain, else a double without binary noise (0.1 × 3 is 0.3).</summary>
    private JsonElement Number(double value)
    {
        if (Kind == DomainKind.IntUniform)
        {
            return JsonSerializer.SerializeToElement((long)Math.Round(value));
        }
        var rounded = double.Parse(value.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return JsonSerializer.SerializeToElement(rounded);
    }
}
