using System.Numerics.Tensors;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>
/// One Conv1d of the speaker encoder with padding="same" and padding_mode="reflect", on time-major
/// activations [frames, channels]. A kernel wider than 1 is unrolled (im2col) into rows of kernel x in
/// values with the reflected edges, so every output is one dot product of length kernel x in against the
/// weights repacked as [out][tap][in]; the products run in blocks of frames on the shared row workers.
/// </summary>
internal sealed class SpeakerConvolution
{
    /// <summary>Frames per block: 16 input rows of up to 4.6k floats stay in L2 while every weight row passes.</summary>
    private const int FrameBlock = 16;

    private readonly float[] packed;
    private readonly float[] bias;

    public SpeakerConvolution(ConvShape shape, int dilation, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int inChannelsUsed = -1, int inChannelOffset = 0)
    {
        Out = shape.OutChannels;
        In = inChannelsUsed < 0 ? shape.InChannels : inChannelsUsed;
        Kernel = shape.Kernel;
        Dilation = dilation;
        var total = dilation * (Kernel - 1);
        PadLeft = total / 2;
        PadRight = total - PadLeft;
        packed = new float[Out * RowLength];
        for (var o = 0; o < Out; o++)
        {
            for (var k = 0; k < Kernel; k++)
            {
                for (var i = 0; i < In; i++)
                {
                    packed[o * RowLength + k * In + i] = weight[(o * shape.InChannels + inChannelOffset + i) * Kernel + k];
                }
            }
        }
        this.bias = bias.ToArray();
    }

    public int In { get; }

    public int Out { get; }

    public int Kernel { get; }

    public int Dilation { get; }

    public int PadLeft { get; }

    public int PadRight { get; }

    /// <summary>Values per unrolled input row.</summary>
    public int RowLength => Kernel * In;

    /// <summary>Reflect padding needs more frames than the wider pad.</summary>
    public int MinimumFrames => Math.Max(PadLeft, PadRight) + 1;

    public ReadOnlySpan<float> Bias => bias;

    /// <summary>Weight row of output channel o over (tap, in).</summary>
    public ReadOnlySpan<float> Row(int o) => packed.AsSpan(o * RowLength, RowLength);

    /// <summary>
    /// output[t, o] = act(bias'[o] + sum_{k,i} w[o, i, k] · input[reflect(t − left + k·d), i]) for t &lt; frames,
    /// reading input rows at <paramref name="inOffset"/> + t·inStride and writing output rows likewise.
    /// <paramref name="biasOverride"/> replaces the bias (the pooling folds its constant inputs into it).
    /// </summary>
    public void Forward(SpeakerEncoderWorkspace ws, float[] input, int inOffset, int inStride, float[] output, int outOffset, int outStride,
        int frames, bool relu, float[]? biasOverride = null)
    {
        if (frames < MinimumFrames)
        {
            throw new ArgumentException($"{frames} frames are too few for a kernel of {Kernel} at dilation {Dilation} (reflect padding needs {MinimumFrames})");
        }
        float[] a;
        int aOffset, aStride;
        if (Kernel == 1)
        {
            (a, aOffset, aStride) = (input, inOffset, inStride);
        }
        else
        {
            a = ws.Unrolled(frames * RowLength);
            for (var t = 0; t < frames; t++)
            {
                for (var k = 0; k < Kernel; k++)
                {
                    var source = t - PadLeft + k * Dilation;
                    if (source < 0)
                    {
                        source = -source;
                    }
                    else if (source >= frames)
                    {
                        source = 2 * (frames - 1) - source;
                    }
                    input.AsSpan(inOffset + source * inStride, In).CopyTo(a.AsSpan(t * RowLength + k * In, In));
                }
            }
            (aOffset, aStride) = (0, RowLength);
        }
        var job = ws.Job;
        job.Set(this, a, aOffset, aStride, output, outOffset, outStride, relu, biasOverride ?? bias);
        // The parallelism's threshold is in weights of a matrix-vector product; a product over all frames does frames times that work.
        ws.Threads.Run(job, frames, (long)Out * RowLength * frames);
        job.Clear();
    }

    /// <summary>One block of frames against every weight row; the row workers share out the frames.</summary>
    internal sealed class ProductJob : IRowRangeWork
    {
        private SpeakerConvolution? conv;
        private float[] a = [];
        private float[] c = [];
        private float[] bias = [];
        private int aOffset, aStride, cOffset, cStride;
        private bool relu;

        public void Set(SpeakerConvolution conv, float[] a, int aOffset, int aStride, float[] c, int cOffset, int cStride, bool relu, float[] bias)
        {
            (this.conv, this.a, this.aOffset, this.aStride, this.c, this.cOffset, this.cStride, this.relu, this.bias) =
                (conv, a, aOffset, aStride, c, cOffset, cStride, relu, bias);
        }

        public void Clear() => (conv, a, c, bias) = (null, [], [], []);

        public void Execute(int startRow, int endRow)
        {
            var layer = conv!;
            var length = layer.RowLength;
            for (var t0 = startRow; t0 < endRow; t0 += FrameBlock)
            {
                var t1 = Math.Min(t0 + FrameBlock, endRow);
                for (var o = 0; o < layer.Out; o++)
                {
                    var w = layer.packed.AsSpan(o * length, length);
                    var b = bias[o];
                    for (var t = t0; t < t1; t++)
                    {
                        var v = b + TensorPrimitives.Dot(a.AsSpan(aOffset + t * aStride, length), w);
                        c[cOffset + t * cStride + o] = relu && v < 0 ? 0 : v;
                    }
                }
            }
        }
    }
}
