using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Tests.Kernels;

/// <summary>
/// The Winograd F(2, 7) causal conv: against a plain double loop (within the direct conv's own rounding), cut into
/// calls anywhere along a stream (bit-identical to one call: the streaming decoder depends on it), on every SIMD path
/// and thread count (bit-identical to the generic one), and its refusals.
/// </summary>
public sealed class WinogradConvTests
{
    private static readonly (int Out, int In, int Dilation, int Rows)[] Shapes =
    [
        (96, 96, 1, 40), (48, 17, 3, 23), (16, 5, 9, 50), (200, 40, 1, 7), (1, 96, 1, 12), (64, 32, 9, 3), (32, 48, 3, 1),
    ];

    [Fact]
    public void ItComputesTheCausalConvolutionWithinTheDirectConvsRounding()
    {
        var random = new Random(21);
        foreach (var (outChannels, inChannels, dilation, rows) in Shapes)
        {
            var (weight, bias, input, stride) = Problem(random, outChannels, inChannels, dilation, rows);
            var winograd = WinogradConv.Conv(weight, bias, outChannels, inChannels, dilation);
            var direct = PackedConv.Conv(weight, bias, outChannels, inChannels, 7, dilation);
            var actual = new float[rows * winograd.OutLanes];
            var directOut = new float[rows * direct.OutLanes];
            winograd.Run(new WinogradConv.Call(RowParallelism.Sequential, FloatKernelPaths.Best), input, stride, rows, actual, winograd.OutLanes, firstRow: 5);
            direct.Run(new PackedConv.ConvCall(RowParallelism.Sequential, FloatKernelPaths.Best), input, stride, rows, directOut, direct.OutLanes, residual: false);

            double worst = 0, worstDirect = 0;
            for (var t = 0; t < rows; t++)
            {
                for (var o = 0; o < outChannels; o++)
                {
                    double sum = bias[o];
                    for (var i = 0; i < inChannels; i++)
                    {
                        for (var j = 0; j < 7; j++)
                        {
                            sum += weight[(o * inChannels + i) * 7 + j] * (double)input[(t + j * dilation) * stride + i];
                        }
                    }
                    worst = Math.Max(worst, Math.Abs(actual[t * winograd.OutLanes + o] - sum));
                    worstDirect = Math.Max(worstDirect, Math.Abs(directOut[t * direct.OutLanes + o] - sum));
                }
                for (var o = outChannels; o < winograd.OutLanes; o++)
                {
                    Assert.Equal(0f, actual[t * winograd.OutLanes + o]);
                }
            }
            // Outputs are ~1: the direct conv is off by 1e-7..1e-6 here, Winograd by at most a few times that.
            Assert.True(worst < Math.Max(4 * worstDirect, 2e-6), $"out {outChannels} in {inChannels} d {dilation}: error {worst:E2}, direct {worstDirect:E2}");
        }
    }

    [Fact]
    public void CallsCutAnywhereAlongTheStreamGiveTheBitsOfOneCall()
    {
        var random = new Random(22);
        foreach (var (outChannels, inChannels, dilation, rows) in Shapes)
        {
            var total = rows + 37;
            var (weight, bias, input, stride) = Problem(random, outChannels, inChannels, dilation, total);
            var conv = WinogradConv.Conv(weight, bias, outChannels, inChannels, dilation);
            var call = new WinogradConv.Call(RowParallelism.Sequential, FloatKernelPaths.Best);
            foreach (var streamStart in new long[] { 0, 1, 2 * dilation - 1, 1_000_003 })
            {
                var whole = new float[total * conv.OutLanes];
                conv.Run(call, input, stride, total, whole, conv.OutLanes, streamStart);
                var cut = new float[total * conv.OutLanes];
                for (var done = 0; done < total;)
                {
                    var n = Math.Min(total - done, random.Next(3) == 0 ? 1 : random.Next(1, 3 * dilation + 4));
                    // A call sees its own history and rows only: the input from row `done` on, n + 6d rows.
                    conv.Run(call, input.AsSpan(done * stride, (n + conv.HistoryRows) * stride), stride, n,
                        cut.AsSpan(done * conv.OutLanes, n * conv.OutLanes), conv.OutLanes, streamStart + done);
                    done += n;
                }
                for (var i = 0; i < whole.Length; i++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(whole[i]) == BitConverter.SingleToInt32Bits(cut[i]),
                        $"out {outChannels} in {inChannels} d {dilation} from {streamStart}: row {i / conv.OutLanes} lane {i % conv.OutLanes}: {cut[i]} vs {whole[i]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FloatConvKernelTests.SimdPaths), MemberType = typeof(FloatConvKernelTests))]
    public void EverySimdPathAndThreadCountGivesTheGenericPathsBits(FloatKernelPath path)
    {
        var random = new Random(23);
        using var threads = new RowParallelism(3, minWeightsToSplit: 0);
        foreach (var (outChannels, inChannels, dilation, rows) in Shapes)
        {
            var (weight, bias, input, stride) = Problem(random, outChannels, inChannels, dilation, rows);
            var conv = WinogradConv.Conv(weight, bias, outChannels, inChannels, dilation);
            var expected = new float[rows * conv.OutLanes];
            conv.Run(new WinogradConv.Call(RowParallelism.Sequential, FloatKernelPath.Generic), input, stride, rows, expected, conv.OutLanes, firstRow: 3);
            foreach (var parallelism in new[] { RowParallelism.Sequential, threads })
            {
                var actual = new float[rows * conv.OutLanes];
                conv.Run(new WinogradConv.Call(parallelism, path), input, stride, rows, actual, conv.OutLanes, firstRow: 3);
                for (var i = 0; i < actual.Length; i++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                        $"{path} on {parallelism.WorkerCount} threads, out {outChannels} in {inChannels} d {dilation}: row {i / conv.OutLanes} lane {i % conv.OutLanes}: {actual[i]} vs {expected[i]}");
                }
            }
        }
    }

    [Fact]
    public void ARepeatedCallAllocatesNothing()
    {
        var random = new Random(24);
        var (weight, bias, input, stride) = Problem(random, 96, 96, 3, 64);
        var conv = WinogradConv.Conv(weight, bias, 96, 96, 3);
        var call = new WinogradConv.Call(RowParallelism.Sequential, FloatKernelPaths.Best);
        var output = new float[64 * conv.OutLanes];
        conv.Run(call, input, stride, 64, output, conv.OutLanes, 0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        conv.Run(call, input, stride, 64, output, conv.OutLanes, 64);
        conv.Run(call, input, stride, 17, output, conv.OutLanes, 128);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BadShapesAndBuffersAreRefusedWithTheirSizes()
    {
        var weights = Assert.Throws<ArgumentException>(() => WinogradConv.Conv(new float[16 * 8 * 3], null, 16, 8, 1));
        Assert.Contains("[16, 8, 7]", weights.Message);
        var conv = WinogradConv.Conv(new float[16 * 8 * 7], null, 16, 8, 2);
        var call = new WinogradConv.Call(RowParallelism.Sequential, FloatKernelPaths.Best);
        var shortInput = Assert.Throws<ArgumentException>(() => conv.Run(call, new float[(10 + 11) * 16], 16, 10, new float[10 * 16], 16, 0));
        Assert.Contains("too short for 10 rows", shortInput.Message);
        Assert.Throws<ArgumentException>(() => conv.Run(call, new float[(10 + 12) * 16], 16, 10, new float[10 * 16], 8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => conv.Run(call, new float[(10 + 12) * 16], 16, 10, new float[10 * 16], 16, -1));
    }

    private static (float[] Weight, float[] Bias, float[] Input, int Stride) Problem(Random random, int outChannels, int inChannels, int dilation, int rows)
    {
        var scale = 1 / MathF.Sqrt(7 * inChannels);
        var weight = new float[outChannels * inChannels * 7];
        for (var i = 0; i < weight.Length; i++)
        {
            weight[i] = ((float)random.NextDouble() * 2 - 1) * scale;
        }
        var bias = new float[outChannels];
        for (var i = 0; i < bias.Length; i++)
        {
            bias[i] = (float)random.NextDouble() - 0.5f;
        }
        var stride = PackedConv.Stride(inChannels) + 16;
        var input = new float[(rows + 6 * dilation) * stride];
        for (var t = 0; t < rows + 6 * dilation; t++)
        {
            for (var i = 0; i < stride; i++)
            {
                // Lanes past the channels hold garbage, as a wider buffer's would: nothing may read them.
                input[t * stride + i] = i < inChannels ? (float)random.NextDouble() * 2 - 1 : float.NaN;
            }
        }
        return (weight, bias, input, stride);
    }
}
