using System.Numerics.Tensors;
using Qwen3Tts.Inference.Kernels.Float;

namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>
/// One Conv1d of the speaker encoder over time-major activations [frames, channels], with padding="same"
/// and padding_mode="reflect": the input is copied once into a buffer with the reflected edge rows
/// (left d·(k−1)/2, the rest right), over which "same" is the float kernels' causal convolution
/// (<see cref="PackedConv"/>); a kernel of 1 reads the input in place. Bias and ReLU are applied while
/// the result is copied to its destination, so the pooling can fold its constant inputs into the bias.
/// </summary>
internal sealed class SpeakerConvolution
{
    private readonly PackedConv conv;
    private readonly float[] bias;

    /// <param name="inChannelsUsed">Only input channels [offset, offset + used) of the weight (the pooling's x columns); -1: all.</param>
    public SpeakerConvolution(ConvShape shape, int dilation, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int inChannelsUsed = -1, int inChannelOffset = 0)
    {
        Out = shape.OutChannels;
        In = inChannelsUsed < 0 ? shape.InChannels : inChannelsUsed;
        Kernel = shape.Kernel;
        Dilation = dilation;
        var total = dilation * (Kernel - 1);
        PadLeft = total / 2;
        PadRight = total - PadLeft;
        var used = new float[Out * In * Kernel];
        for (var o = 0; o < Out; o++)
        {
            weight.Slice((o * shape.InChannels + inChannelOffset) * Kernel, In * Kernel).CopyTo(used.AsSpan(o * In * Kernel, In * Kernel));
        }
        conv = PackedConv.Conv(used, null, Out, In, Kernel, dilation);
        this.bias = bias.ToArray();
    }

    public int In { get; }

    public int Out { get; }

    public int Kernel { get; }

    public int Dilation { get; }

    public int PadLeft { get; }

    public int PadRight { get; }

    /// <summary>Reflect padding needs more frames than the wider pad.</summary>
    public int MinimumFrames => Math.Max(PadLeft, PadRight) + 1;

    public ReadOnlySpan<float> Bias => bias;

    /// <summary>Output lanes the kernel writes per row (Out padded to 16).</summary>
    public int OutLanes => conv.OutLanes;

    public long MultiplyAddsPerFrame => (long)Out * In * Kernel;

    /// <summary>
    /// output[t, o] = act(bias'[o] + Σ_{k,i} w[o, i, k] · input[reflect(t − left + k·d), i]) for t &lt; frames,
    /// reading input rows at <paramref name="inOffset"/> + t·inStride and writing output rows likewise.
    /// <paramref name="biasOverride"/> replaces the bias.
    /// </summary>
    public void Forward(SpeakerEncoderWorkspace ws, float[] input, int inOffset, int inStride, float[] output, int outOffset, int outStride,
        int frames, bool relu, float[]? biasOverride = null)
    {
        if (frames < MinimumFrames)
        {
            throw new ArgumentException($"{frames} frames are too few for a kernel of {Kernel} at dilation {Dilation} (reflect padding needs {MinimumFrames})");
        }
        ReadOnlySpan<float> source;
        int sourceStride;
        if (Kernel == 1)
        {
            source = input.AsSpan(inOffset);
            sourceStride = inStride;
        }
        else
        {
            var rows = frames + PadLeft + PadRight;
            var padded = ws.Padded(rows * In);
            for (var r = 0; r < rows; r++)
            {
                var t = r - PadLeft;
                t = t < 0 ? -t : t >= frames ? 2 * (frames - 1) - t : t;
                input.AsSpan(inOffset + t * inStride, In).CopyTo(padded.AsSpan(r * In, In));
            }
            source = padded.AsSpan(0, rows * In);
            sourceStride = In;
        }
        var lanes = conv.OutLanes;
        var result = ws.ConvOutput(frames * lanes);
        conv.Run(ws.Call, source, sourceStride, frames, result, lanes, residual: false);
        var b = biasOverride ?? bias;
        for (var t = 0; t < frames; t++)
        {
            var destination = output.AsSpan(outOffset + t * outStride, Out);
            TensorPrimitives.Add(result.AsSpan(t * lanes, Out), b, destination);
            if (relu)
            {
                TensorPrimitives.Max(destination, 0f, destination);
            }
        }
    }
}

/// <summary>A k = 1 conv applied to one vector (squeeze-excitation, the pooling's constant columns, fc): rows [out][in] and a dot each.</summary>
internal sealed class SpeakerLinear
{
    private readonly float[] rows;
    private readonly float[] bias;

    public SpeakerLinear(ConvShape shape, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int inChannelsUsed = -1, int inChannelOffset = 0)
    {
        if (shape.Kernel != 1)
        {
            throw new ArgumentException($"{shape.Stem} has kernel {shape.Kernel}; a vector layer needs 1");
        }
        Out = shape.OutChannels;
        In = inChannelsUsed < 0 ? shape.InChannels : inChannelsUsed;
        rows = new float[Out * In];
        for (var o = 0; o < Out; o++)
        {
            weight.Slice(o * shape.InChannels + inChannelOffset, In).CopyTo(rows.AsSpan(o * In, In));
        }
        this.bias = bias.ToArray();
    }

    public int In { get; }

    public int Out { get; }

    public ReadOnlySpan<float> Bias => bias;

    /// <summary>y[o] = (withBias ? b[o] : 0) + w[o] · x.</summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y, bool withBias = true)
    {
        for (var o = 0; o < Out; o++)
        {
            y[o] = (withBias ? bias[o] : 0f) + TensorPrimitives.Dot(rows.AsSpan(o * In, In), x);
        }
    }
}
