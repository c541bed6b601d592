using System.Numerics;

namespace Qwen3Tts.Inference.Audio;

/// <summary>
/// Float samples in [-1, 1] to 16-bit PCM: scaled by 32767 (so ±1.0 map to ±32767, as libsndfile
/// does), rounded to nearest with ties to even, clipped to [-32768, 32767]; NaN becomes 0.
/// Uses <see cref="Vector{T}"/> where the hardware accelerates it (any width, x64 or arm64)
/// and the scalar loop for the tail; both give identical results.
/// </summary>
public static class PcmConversion
{
    private const float Scale = 32767f;

    public static void FloatToPcm16(ReadOnlySpan<float> source, Span<short> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} samples, source has {source.Length}", nameof(destination));
        }

        var done = Vector.IsHardwareAccelerated ? ConvertVectorized(source, destination) : 0;
        for (var i = done; i < source.Length; i++)
        {
            destination[i] = ToPcm16(source[i]);
        }
    }

    internal static short ToPcm16(float sample)
    {
        if (float.IsNaN(sample))
        {
            return 0;
        }
        var scaled = MathF.Round(sample * Scale, MidpointRounding.ToEven);
        return (short)Math.Clamp(scaled, short.MinValue, short.MaxValue);
    }

    // Two float vectors become one short vector per iteration (Vector.Narrow halves the width).
    private static int ConvertVectorized(ReadOnlySpan<float> source, Span<short> destination)
    {
        var width = Vector<float>.Count;
        var scale = new Vector<float>(Scale);
        var min = new Vector<float>(short.MinValue);
        var max = new Vector<float>(short.MaxValue);
        var i = 0;
        for (; i + 2 * width <= source.Length; i += 2 * width)
        {
            var low = Vector.ConvertToInt32(Prepare(new Vector<float>(source.Slice(i, width)), scale, min, max));
            var high = Vector.ConvertToInt32(Prepare(new Vector<float>(source.Slice(i + width, width)), scale, min, max));
            Vector.Narrow(low, high).CopyTo(destination.Slice(i, 2 * width));
        }
        return i;
    }

    private static Vector<float> Prepare(Vector<float> samples, Vector<float> scale, Vector<float> min, Vector<float> max)
    {
        var notNaN = Vector.Equals(samples, samples);
        var scaled = Vector.Round(samples * scale);
        var clipped = Vector.Min(Vector.Max(scaled, min), max);
        return Vector.ConditionalSelect(notNaN, clipped, Vector<float>.Zero);
    }
}
