using System.Buffers;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>The pooled buffers and the product job of one x-vector extraction; everything goes back to the pool on dispose.</summary>
internal sealed class SpeakerEncoderWorkspace(RowParallelism threads) : IDisposable
{
    private readonly List<float[]> rented = [];
    private float[] unrolled = [];

    public RowParallelism Threads { get; } = threads;

    public SpeakerConvolution.ProductJob Job { get; } = new();

    /// <summary>A pooled buffer of at least <paramref name="length"/> values, cleared.</summary>
    public float[] Rent(int length)
    {
        var buffer = ArrayPool<float>.Shared.Rent(length);
        Array.Clear(buffer, 0, length);
        rented.Add(buffer);
        return buffer;
    }

    /// <summary>The im2col buffer, grown as needed and reused by every conv of the extraction.</summary>
    public float[] Unrolled(int length)
    {
        if (unrolled.Length < length)
        {
            unrolled = Rent(length);
        }
        return unrolled;
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
