using System.Numerics;
using System.Runtime.InteropServices;

namespace Platform.Ingest.Health;

/// <summary>The few vector operations the health analysis needs, SIMD-wide through <see cref="Vector{T}"/>.</summary>
public static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(b.Length, a.Length, nameof(b));
        var wide = MemoryMarshal.Cast<float, Vector<float>>(a);
        var wideB = MemoryMarshal.Cast<float, Vector<float>>(b);
        var sum = Vector<float>.Zero;
        for (var i = 0; i < wide.Length; i++)
        {
            sum += wide[i] * wideB[i];
        }
        var result = Vector.Sum(sum);
        for (var i = wide.Length * Vector<float>.Count; i < a.Length; i++)
        {
            result += a[i] * b[i];
        }
        return result;
    }

    /// <summary>target += scale · source.</summary>
    public static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float scale)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(source.Length, target.Length, nameof(source));
        var wide = MemoryMarshal.Cast<float, Vector<float>>(target);
        var wideSource = MemoryMarshal.Cast<float, Vector<float>>(source);
        var factor = new Vector<float>(scale);
        for (var i = 0; i < wide.Length; i++)
        {
            wide[i] += wideSource[i] * factor;
        }
        for (var i = wide.Length * Vector<float>.Count; i < target.Length; i++)
        {
            target[i] += source[i] * scale;
        }
    }

    /// <summary>Scales <paramref name="vector"/> to unit length (a zero vector stays zero).</summary>
    public static void Normalise(Span<float> vector)
    {
        var length = MathF.Sqrt(Dot(vector, vector));
        if (length > 0)
        {
            var inverse = 1f / length;
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] *= inverse;
            }
        }
    }
}
