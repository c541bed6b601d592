using System.Numerics;
using System.Security.Cryptography;

namespace Qwen3Tts.Inference.Sampling;

/// <summary>
/// A seeded random source whose sequence is fixed by specification (xoshiro256** seeded through
/// SplitMix64), so a seed reproduces the same draws on every platform and .NET version —
/// <see cref="Random"/>'s algorithm is unspecified. Not thread-safe: one instance per utterance.
/// </summary>
public sealed class SamplingRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SamplingRandom(ulong seed) => Reseed(seed);

    /// <summary>The seed this generator started from (log it so a run can be reproduced).</summary>
    public ulong Seed { get; private set; }

    /// <summary>
    /// Starts over from <paramref name="seed"/>: the same draws as <c>new SamplingRandom(seed)</c>, without an object per
    /// step for a hot loop that reseeds every frame.
    /// </summary>
    public void Reseed(ulong seed)
    {
        Seed = seed;
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>A generator with a seed from the OS entropy source, for requests that give none.</summary>
    public static SamplingRandom FromEntropy()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return new SamplingRandom(BitConverter.ToUInt64(bytes));
    }

    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
