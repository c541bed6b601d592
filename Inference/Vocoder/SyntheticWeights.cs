using Qwen3Tts.Inference.Onnx;

namespace Qwen3Tts.Inference.Vocoder;

/// <summary>
/// Seeded pseudo-random weights. Every element is a pure function of (seed, tensor number, index)
/// (SplitMix64 over a counter), so a tensor can be generated in chunks while it is streamed to disk
/// and the same seed always gives the same file.
/// </summary>
internal sealed class SyntheticWeights(int seed)
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _tensorCount;

    /// <summary>Uniform values in [-scale, scale].</summary>
    public OnnxTensorData Uniform(long count, float scale)
    {
        var stream = NextStream();
        return OnnxTensorData.Generated(count, (offset, chunk) => Fill(stream, offset, chunk, scale));
    }

    /// <summary>Uniform values in [-scale, scale], materialised (for small per-channel parameters).</summary>
    public float[] UniformValues(int count, float scale)
    {
        var values = new float[count];
        Fill(NextStream(), 0, values, scale);
        return values;
    }

    /// <summary>Uniform values with unit-gain variance for a layer with <paramref name="fanIn"/> inputs, times <paramref name="gain"/>.</summary>
    public OnnxTensorData FanIn(long count, long fanIn, float gain = 1f) =>
        Uniform(count, gain * MathF.Sqrt(3f / fanIn));

    private ulong NextStream() => Mix(((ulong)(uint)seed << 32) ^ (++_tensorCount * Golden));

    private static void Fill(ulong stream, long offset, Span<float> chunk, float scale)
    {
        for (var i = 0; i < chunk.Length; i++)
        {
            var bits = Mix(stream + (ulong)(offset + i) * Golden);
            var unit = (bits >> 40) * (1.0f / (1 << 24));
            chunk[i] = (2f * unit - 1f) * scale;
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
