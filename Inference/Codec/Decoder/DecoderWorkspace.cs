using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// The activations of one decode pass of up to <see cref="MaxFrames"/> frames, all time-major with row strides
/// padded to 16 lanes. Not part of any stream's state: the decoder pools workspaces, a session borrows one
/// per call, so a thousand idle sessions cost only their histories. About 3 MB per frame of capacity for the
/// 12 Hz codec (its last block holds 1920 rows × 96 channels per frame).
/// </summary>
internal sealed class DecoderWorkspace
{
    public DecoderWorkspace(DecoderNetwork network, int maxFrames, RowParallelism parallelism, FloatKernelPath path)
    {
        var c = network.Config;
        MaxFrames = maxFrames;
        Conv = new PackedConv.ConvCall(parallelism, path);
        Winograd = new WinogradConv.Call(parallelism, path);
        Snake = new SnakeCall(parallelism, path);
        ConvNeXtRows = new ConvNeXtRowsCall(parallelism);
        var n = maxFrames;
        var S = PackedConv.Stride;
        Quantized = Floats(n * S(2 * c.CodebookRowDim));
        PreConvInput = Floats((network.PreConv.HistoryRows + n) * S(c.CodebookDim));
        Latent = Floats(n * S(c.LatentDim));
        Hidden = Floats(n * S(c.HiddenSize));
        Normed = Floats(n * S(c.HiddenSize));
        Projected = Floats(n * S(c.HiddenSize));
        Qkv = Floats(n * S(c.QueryWidth + 2 * c.KeyValueWidth));
        Keys = Floats((c.SlidingWindow - 1 + n) * S(c.KeyValueWidth));
        Values = Floats((c.SlidingWindow - 1 + n) * S(c.KeyValueWidth));
        Attention = Floats(n * S(c.QueryWidth));
        GateUp = Floats(n * S(2 * c.IntermediateSize));
        RopeCos = Floats(n * c.HeadDim / 2);
        RopeSin = Floats(n * c.HeadDim / 2);
        Scores = Floats(c.SlidingWindow);

        var latentStride = S(c.LatentDim);
        long rows = n;
        long upIn = 0, dw = 0, dwOut = 0, wide = 0;
        foreach (var stage in network.Upsample)
        {
            upIn = Math.Max(upIn, (stage.Conv.HistoryRows + rows) * latentStride);
            rows *= stage.Ratio;
            dw = Math.Max(dw, (6 + rows) * latentStride);
            dwOut = Math.Max(dwOut, rows * latentStride);
            wide = Math.Max(wide, rows * S(4 * c.LatentDim));
        }
        UpsampleInput = Floats(upIn);
        Depthwise = Floats(dw);
        DepthwiseOut = Floats(dwOut);
        Wide = Floats(wide);
        Narrow = Floats(dwOut);

        long view = (network.InputConv.HistoryRows + rows) * latentStride;
        long transformed = network.InputConv.SegmentBufferFloats(latentStride, (int)rows);
        var transformedStride = latentStride;
        long state = rows * S(c.DecoderDim);
        long inner = 0;
        foreach (var block in network.Blocks)
        {
            view = Math.Max(view, (block.Conv.HistoryRows + rows) * S(block.InChannels));
            rows *= block.Rate;
            var stride = S(block.OutChannels);
            state = Math.Max(state, rows * stride);
            inner = Math.Max(inner, rows * stride);
            foreach (var unit in block.Units)
            {
                view = Math.Max(view, (unit.Dilated.HistoryRows + rows) * stride);
                transformed = Math.Max(transformed, unit.Dilated.SegmentBufferFloats(stride, (int)rows));
                transformedStride = Math.Max(transformedStride, stride);
            }
        }
        view = Math.Max(view, (network.OutputConv.HistoryRows + rows) * S(network.Blocks[^1].OutChannels));
        StateA = Floats(state);
        StateB = Floats(state);
        View = Floats(view);
        Inner = Floats(inner);
        Output = Floats(rows * network.OutputConv.OutLanes);
        // Reserved here so that no decode call allocates (DecoderAllocationTests).
        Winograd.Reserve(transformed, transformedStride);
    }

    public int MaxFrames { get; }

    public PackedConv.ConvCall Conv { get; }

    /// <summary>The k7 convs' calls (Winograd F(2, 7)): their transformed-input segment.</summary>
    public WinogradConv.Call Winograd { get; }

    public SnakeCall Snake { get; }

    public ConvNeXtRowsCall ConvNeXtRows { get; }

    /// <summary>Set only by a benchmark that wants the per-stage breakdown (<see cref="DecoderStageClock"/>).</summary>
    public DecoderStageClock? Clock { get; set; }

    public float[] Quantized { get; }
    public float[] PreConvInput { get; }
    public float[] Latent { get; }
    public float[] Hidden { get; }
    public float[] Normed { get; }
    public float[] Projected { get; }
    public float[] Qkv { get; }
    public float[] Keys { get; }
    public float[] Values { get; }
    public float[] Attention { get; }
    public float[] GateUp { get; }
    public float[] RopeCos { get; }
    public float[] RopeSin { get; }
    public float[] Scores { get; }
    public float[] UpsampleInput { get; }
    public float[] Depthwise { get; }
    public float[] DepthwiseOut { get; }
    public float[] Wide { get; }
    public float[] Narrow { get; }
    public float[] StateA { get; }
    public float[] StateB { get; }
    public float[] View { get; }
    public float[] Inner { get; }
    public float[] Output { get; }

    private static float[] Floats(long count) => GC.AllocateArray<float>(checked((int)count), pinned: true);
}
