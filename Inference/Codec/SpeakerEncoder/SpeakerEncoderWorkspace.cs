using System.Buffers;
using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>The pooled buffers and the conv call of one x-vector extraction; every buffer goes back to the pool on dispose.</summary>
internal sealed class SpeakerEncoderWorkspace(RowParallelism threads, FloatKernelPath path) : IDisposable
{
    private readonly List<float[]> rented = [];
    private float[] padded = [];
    private float[] convOutput = [];

    public PackedConv.ConvCall Call { get; } = new(threads, path);

    /// <summary>A pooled buffer of at least <paramref name="length"/> values, cleared.</summary>
    public float[] Rent(int length)
    {
        var buffer = ArrayPool<float>.Shared.Rent(length);
        Array.Clear(buffer, 0, length);
        rented.Add(buffer);
        return buffer;
    }

    /// <summary>The reflect-padded conv input, grown as needed and reused by every conv of the extraction.</summary>
    public float[] Padded(int length) => Grow(ref padded, length);

    /// <summary>The conv kernels' raw output rows (lanes padded to 16), reused likewise.</summary>
    public float[] ConvOutput(int length) => Grow(ref convOutput, length);

    private float[] Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = Rent(length);
        }
        return buffer;
    }

    public void Dispose()
    {
        foreach (var buffer in rented)
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
        rented.Clear();
    }
}
