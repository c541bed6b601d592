using System.Numerics.Tensors;
using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>
/// The official `Qwen3TTSSpeakerEncoder` (ECAPA-TDNN, qwen3-tts-model.md §5) on time-major activations:
/// block 0 TDNN, SE-Res2Net blocks (TDNN k1, Res2Net with chunk 0 passed through and chunk i taking
/// TDNN(chunk_i + out_{i-1}), TDNN k1, squeeze-excitation, + input), the aggregation TDNN over their
/// concatenation, attentive statistics pooling and the fc. TDNN = Conv1d("same", reflect) + ReLU, no
/// BatchNorm. The pooling's attention TDNN sees [x, mean, std] where mean and std are constant over time,
/// so their columns are folded into a per-clip bias instead of multiplying 2/3 of a 4608-wide input.
/// Float32 throughout (the weights are read from bf16 exactly); statistics accumulate in double.
/// </summary>
public sealed class EcapaTdnn
{
    private const double StatisticsEpsilon = 1e-12;

    private readonly SpeakerEncoderConfig config;
    private readonly SpeakerConvolution block0;
    private readonly Block[] blocks;
    private readonly SpeakerConvolution mfa;
    private readonly SpeakerConvolution attentionX;
    private readonly SpeakerLinear attentionMean;
    private readonly SpeakerLinear attentionStd;
    private readonly SpeakerConvolution attentionOut;
    private readonly SpeakerLinear fc;

    public EcapaTdnn(SpeakerEncoderWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        config = weights.Config;
        var convs = SpeakerEncoderLayout.Convolutions(config).ToDictionary(c => c.Stem);
        SpeakerConvolution Make(string stem, int dilation) => new(convs[stem], dilation, weights.Weight(convs[stem]), weights.Bias(convs[stem]));
        SpeakerLinear Vector(string stem) => new(convs[stem], weights.Weight(convs[stem]), weights.Bias(convs[stem]));

        block0 = Make(SpeakerEncoderLayout.Block0, config.Dilations[0]);
        blocks = new Block[config.SeRes2NetBlocks];
        for (var b = 1; b <= blocks.Length; b++)
        {
            blocks[b - 1] = new Block(
                Make(SpeakerEncoderLayout.Tdnn1(b), 1),
                Enumerable.Range(0, config.Res2NetScale - 1).Select(j => Make(SpeakerEncoderLayout.Res2Net(b, j), config.Dilations[b])).ToArray(),
                Make(SpeakerEncoderLayout.Tdnn2(b), 1),
                Vector(SpeakerEncoderLayout.SeConv1(b)),
                Vector(SpeakerEncoderLayout.SeConv2(b)));
        }
        mfa = Make(SpeakerEncoderLayout.Mfa, config.Dilations[^1]);
        var c = config.Channels[^1];
        var asp = convs[SpeakerEncoderLayout.AspTdnn];
        attentionX = new SpeakerConvolution(asp, 1, weights.Weight(asp), weights.Bias(asp), c, 0);
        attentionMean = new SpeakerLinear(asp, weights.Weight(asp), weights.Bias(asp), c, c);
        attentionStd = new SpeakerLinear(asp, weights.Weight(asp), weights.Bias(asp), c, 2 * c);
        attentionOut = Make(SpeakerEncoderLayout.AspConv, 1);
        fc = Vector(SpeakerEncoderLayout.Fc);
        MinimumFrames = new[] { block0, mfa }.Concat(blocks.SelectMany(x => x.Res2Net)).Max(l => l.MinimumFrames);
    }

    public SpeakerEncoderConfig Config => config;

    /// <summary>Reflect padding in the widest dilated conv needs at least this many mel frames (5 at the published config).</summary>
    public int MinimumFrames { get; }

    /// <summary>The x-vector of log-mel frames [frames, 128] into <paramref name="xvector"/> [enc_dim], exactly as the network returns it.</summary>
    /// <param name="path">The float kernels' instruction set (default: the best this CPU has); every path gives the same bits.</param>
    public void Forward(ReadOnlySpan<float> mel, int frames, Span<float> xvector, RowParallelism? threads = null, FloatKernelPath? path = null)
    {
        if (frames < MinimumFrames)
        {
            throw new ArgumentException($"the speaker encoder needs at least {MinimumFrames} mel frames, got {frames}", nameof(frames));
        }
        if (mel.Length != frames * config.MelDim || xvector.Length != config.EncDim)
        {
            throw new ArgumentException($"need {frames} x {config.MelDim} mel values and an x-vector of {config.EncDim}, got {mel.Length} and {xvector.Length}");
        }
        using var ws = new SpeakerEncoderWorkspace(threads ?? RowParallelism.Shared, path ?? FloatKernelPaths.Best);
        var input = ws.Rent(mel.Length);
        mel.CopyTo(input);

        var width = config.Channels[0];
        var h0 = ws.Rent(frames * width);
        block0.Forward(ws, input, 0, config.MelDim, h0, 0, width, frames, relu: true);

        // The SE-Res2Net outputs are written side by side: that is the aggregation's input.
        var catWidth = config.Channels[^1];
        var cat = ws.Rent(frames * catWidth);
        var (source, sourceOffset, sourceStride) = (h0, 0, width);
        var offset = 0;
        foreach (var block in blocks)
        {
            block.Forward(ws, source, sourceOffset, sourceStride, cat, offset, catWidth, frames);
            (source, sourceOffset, sourceStride) = (cat, offset, catWidth);
            offset += block.Width;
        }

        var aggregated = ws.Rent(frames * catWidth);
        mfa.Forward(ws, cat, 0, catWidth, aggregated, 0, catWidth, frames, relu: true);

        var pooled = ws.Rent(2 * catWidth);
        Pool(ws, aggregated, frames, pooled);
        fc.Apply(pooled.AsSpan(0, 2 * catWidth), xvector);
    }

    /// <summary>Attentive statistics pooling: [weighted mean, weighted std] of x [frames, C] into pooled [2C].</summary>
    private void Pool(SpeakerEncoderWorkspace ws, float[] x, int frames, float[] pooled)
    {
        var c = attentionX.In;
        var mean = new double[c];
        var std = new double[c];
        Statistics(x, frames, c, null, mean, std);

        // tdnn([x, mean, std]) = W_x·x + (b + W_mean·mean + W_std·std): the bracket is the same for every frame.
        var folded = new float[attentionX.Out];
        var fromMean = new float[attentionX.Out];
        var fromStd = new float[attentionX.Out];
        attentionMean.Apply(Array.ConvertAll(mean, v => (float)v), fromMean, withBias: false);
        attentionStd.Apply(Array.ConvertAll(std, v => (float)v), fromStd, withBias: false);
        for (var o = 0; o < folded.Length; o++)
        {
            folded[o] = (float)((double)attentionX.Bias[o] + fromMean[o] + fromStd[o]);
        }
        var hidden = ws.Rent(frames * attentionX.Out);
        attentionX.Forward(ws, x, 0, c, hidden, 0, attentionX.Out, frames, relu: true, biasOverride: folded);
        TensorPrimitives.Tanh(hidden.AsSpan(0, frames * attentionX.Out), hidden.AsSpan(0, frames * attentionX.Out));
        var logits = ws.Rent(frames * c);
        attentionOut.Forward(ws, hidden, 0, attentionX.Out, logits, 0, c, frames, relu: false);

        // Softmax over time for each channel, in place: logits become e^(l − max) / sum.
        var max = new float[c];
        max.AsSpan().Fill(float.NegativeInfinity);
        for (var t = 0; t < frames; t++)
        {
            TensorPrimitives.Max(max, logits.AsSpan(t * c, c), max);
        }
        var sum = new float[c];
        for (var t = 0; t < frames; t++)
        {
            var row = logits.AsSpan(t * c, c);
            TensorPrimitives.Subtract(row, max, row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Add(sum, row, sum);
        }
        TensorPrimitives.Reciprocal(sum, sum);
        for (var t = 0; t < frames; t++)
        {
            var row = logits.AsSpan(t * c, c);
            TensorPrimitives.Multiply(row, sum, row);
        }
        Statistics(x, frames, c, logits, mean, std);
        for (var i = 0; i < c; i++)
        {
            pooled[i] = (float)mean[i];
            pooled[c + i] = (float)std[i];
        }
    }

    /// <summary>
    /// mean = Σ_t w_t x_t, std = sqrt(max(Σ_t w_t (x_t − mean)², 1e-12)) per channel, in double, with
    /// w_t the rows of <paramref name="weights"/> [frames, c] or, when null, 1 / frames for every frame.
    /// </summary>
    private static void Statistics(float[] x, int frames, int c, float[]? weights, double[] mean, double[] std)
    {
        var uniform = 1.0 / frames;
        Array.Clear(mean);
        Array.Clear(std);
        for (var t = 0; t < frames; t++)
        {
            var row = x.AsSpan(t * c, c);
            for (var i = 0; i < c; i++)
            {
                mean[i] += (weights is null ? uniform : weights[t * c + i]) * row[i];
            }
        }
        for (var t = 0; t < frames; t++)
        {
            var row = x.AsSpan(t * c, c);
            for (var i = 0; i < c; i++)
            {
                var d = row[i] - mean[i];
                std[i] += (weights is null ? uniform : weights[t * c + i]) * d * d;
            }
        }
        for (var i = 0; i < c; i++)
        {
            std[i] = Math.Sqrt(Math.Max(std[i], StatisticsEpsilon));
        }
    }

    private sealed record Block(SpeakerConvolution Tdnn1, SpeakerConvolution[] Res2Net, SpeakerConvolution Tdnn2, SpeakerLinear Se1, SpeakerLinear Se2)
    {
        public int Width => Tdnn1.Out;

        public void Forward(SpeakerEncoderWorkspace ws, float[] input, int inOffset, int inStride, float[] output, int outOffset, int outStride, int frames)
        {
            var c = Width;
            var t1 = ws.Rent(frames * c);
            Tdnn1.Forward(ws, input, inOffset, inStride, t1, 0, c, frames, relu: true);

            // Res2Net: chunk 0 as is; chunk 1 through its TDNN; chunk i through its TDNN after adding chunk i−1's output.
            var part = c / (Res2Net.Length + 1);
            var r = ws.Rent(frames * c);
            var sum = ws.Rent(frames * part);
            for (var t = 0; t < frames; t++)
            {
                t1.AsSpan(t * c, part).CopyTo(r.AsSpan(t * c, part));
            }
            Res2Net[0].Forward(ws, t1, part, c, r, part, c, frames, relu: true);
            for (var i = 2; i <= Res2Net.Length; i++)
            {
                for (var t = 0; t < frames; t++)
                {
                    TensorPrimitives.Add(t1.AsSpan(t * c + i * part, part), r.AsSpan(t * c + (i - 1) * part, part), sum.AsSpan(t * part, part));
                }
                Res2Net[i - 1].Forward(ws, sum, 0, part, r, i * part, c, frames, relu: true);
            }

            var t2 = ws.Rent(frames * c);
            Tdnn2.Forward(ws, r, 0, c, t2, 0, c, frames, relu: true);

            // Squeeze-excitation: channel means -> ReLU(conv1) -> sigmoid(conv2) scales every frame; then the residual.
            var mean = new double[c];
            for (var t = 0; t < frames; t++)
            {
                var row = t2.AsSpan(t * c, c);
                for (var i = 0; i < c; i++)
                {
                    mean[i] += row[i];
                }
            }
            var meanF = Array.ConvertAll(mean, v => (float)(v / frames));
            var squeezed = new float[Se1.Out];
            Se1.Apply(meanF, squeezed);
            TensorPrimitives.Max(squeezed, 0f, squeezed);
            var scale = new float[c];
            Se2.Apply(squeezed, scale);
            TensorPrimitives.Sigmoid(scale, scale);
            for (var t = 0; t < frames; t++)
            {
                var destination = output.AsSpan(outOffset + t * outStride, c);
                TensorPrimitives.Multiply(t2.AsSpan(t * c, c), scale, destination);
                TensorPrimitives.Add(destination, input.AsSpan(inOffset + t * inStride, c), destination);
            }
        }
    }
}
