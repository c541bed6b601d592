using Qwen3Tts.Inference.Kernels.Linear;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Tests.Qwen3;

/// <summary>Seeded random Qwen3 weights and inputs for engine-vs-oracle tests.</summary>
internal static class RandomQwen3
{
    /// <summary>Tiny but shaped like the real model: q width (4 x 32 = 128) differs from hidden (64), GQA 4/2.</summary>
    public static Qwen3DecoderConfig TinyConfig { get; } = new(2, 64, 4, 2, 32, 96, 1e-6f, 1_000_000f, 4096);

    public static Qwen3StackWeights Stack(Qwen3DecoderConfig c, int seed, WeightFormat format, string prefix = "")
    {
        var random = new Random(seed);
        var layers = new Qwen3LayerWeights[c.LayerCount];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = new Qwen3LayerWeights(
                attnNorm: Norm(random, c.HiddenSize),
                q: Matrix(random, c.QueryWidth, c.HiddenSize, format),
                k: Matrix(random, c.KeyValueWidth, c.HiddenSize, format),
                v: Matrix(random, c.KeyValueWidth, c.HiddenSize, format),
                o: Matrix(random, c.HiddenSize, c.QueryWidth, format),
                qNorm: Norm(random, c.HeadDim),
                kNorm: Norm(random, c.HeadDim),
                ffnNorm: Norm(random, c.HiddenSize),
                gate: Matrix(random, c.FeedForwardSize, c.HiddenSize, format),
                up: Matrix(random, c.FeedForwardSize, c.HiddenSize, format),
                down: Matrix(random, c.HiddenSize, c.FeedForwardSize, format));
        }
        return new Qwen3StackWeights(c, layers, Norm(random, c.HiddenSize), prefix);
    }

    /// <summary>Uniform weights with variance 1/columns, so activations keep unit scale through the layers.</summary>
    public static QuantizedMatrix Matrix(Random random, int rows, int columns, WeightFormat format)
    {
        var data = Values(random, rows * columns, MathF.Sqrt(3f / columns));
        return format == WeightFormat.Float32
            ? QuantizedMatrix.FromFloat32(data, rows, columns)
            : QuantizedMatrix.Create(format, data, rows, columns);
    }

    public static float[] Values(Random random, int count, float amplitude)
    {
        var data = new float[count];
        for (var i = 0; i < count; i++)
        {
            data[i] = (float)(random.NextDouble() * 2 - 1) * amplitude;
        }
        return data;
    }

    public static float[] Norm(Random random, int length)
    {
        var data = new float[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = 0.8f + 0.4f * (float)random.NextDouble();
        }
        return data;
    }

    /// <summary>Same weights, with every matrix pinned to one kernel path.</summary>
    public static void PinKernel(Qwen3StackWeights weights, LinearKernelPath path)
    {
        foreach (var layer in weights.Layers)
        {
            foreach (var (_, m) in layer.Matrices())
            {
                m.KernelPath = path;
            }
        }
    }

    public static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }
        return max;
    }

    /// <summary>||a - b|| / ||reference||.</summary>
    public static float RelativeRmsError(ReadOnlySpan<float> reference, ReadOnlySpan<float> actual)
    {
        double error = 0, norm = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            error += (reference[i] - actual[i]) * (double)(reference[i] - actual[i]);
            norm += reference[i] * (double)reference[i];
        }
        return (float)Math.Sqrt(error / norm);
    }
}
