using System.Buffers.Binary;

namespace Platform.Sweeps;

/// <summary>
/// A seeded <see cref="Random"/> that draws from SplitMix64 (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number Generators",
/// OOPSLA 2014; Vigna's reference <c>splitmix64.c</c>). Why not <c>new Random(seed)</c>: .NET's seeded generator (Knuth's subtractive
/// one) is affine in its seed modulo 2³¹ − 1, so seeds in arithmetic progression — one per trial — give first draws in arithmetic
/// progression (modulo 1): every trial's parameters lay on one line through the space instead of being independent draws.
/// SplitMix64's finaliser decorrelates even consecutive seeds.
/// </summary>
public sealed class SplitMix64Random(ulong seed) : Random
{
    private ulong state = seed;

    public ulong NextUInt64()
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>[0, 1) from the top 53 bits: every double of the form k·2⁻⁵³.</summary>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    protected override double Sample() => NextDouble();

    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1U << 24));

    public override int Next() => (int)NextInt64(0, int.MaxValue);

    public override int Next(int maxValue) => (int)NextInt64(0, maxValue);

    public override int Next(int minValue, int maxValue) => (int)NextInt64(minValue, maxValue);

    public override long NextInt64() => NextInt64(0, long.MaxValue);

    public override long NextInt64(long maxValue) => NextInt64(0, maxValue);

    /// <summary>Uniform in [minValue, maxValue) without modulo bias: draws below 2⁶⁴ mod range are rejected.</summary>
    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        var range = unchecked((ulong)(maxValue - minValue));
        if (range == 0)
        {
            return minValue;
        }
        var threshold = unchecked(0UL - range) % range;
        ulong draw;
        do
        {
            draw = NextUInt64();
        }
        while (draw < threshold);
        return unchecked(minValue + (long)(draw % range));
    }

    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    public override void NextBytes(Span<byte> buffer)
    {
        Span<byte> word = stackalloc byte[sizeof(ulong)];
        while (buffer.Length > 0)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(word, NextUInt64());
            var count = Math.Min(word.Length, buffer.Length);
            word[..count].CopyTo(buffer);
            buffer = buffer[count..];
        }
    }
}
