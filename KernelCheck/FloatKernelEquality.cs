using Qwen3Tts.Inference.Kernels.Attention;
using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.KernelCheck;

/// <summary>
/// The speech-tokenizer decoder's float kernels on every supported path against the portable one, bit for
/// bit: conv tiles over shapes that hit every tail (short row tiles, 16-lane half panels, one input channel,
/// dilations, residual adds), a transposed conv, the Winograd F(2, 7) conv (odd stream starts, dilations, one output
/// channel), and SnakeBeta with values past its polynomial's range.
/// </summary>
internal static class FloatKernelEquality
{
    public static int Run(TextWriter log)
    {
        var failures = 0;
        var paths = FloatKernelPaths.Supported.Where(p => p != FloatKernelPath.Generic).ToArray();
        log.WriteLine($"float paths: {string.Join(", ", FloatKernelPaths.Supported)} (best {FloatKernelPaths.Best})");
        using var twoWorkers = new RowParallelism(2, minWeightsToSplit: 0);
        var random = new Random(3);
        foreach (var (outChannels, inChannels, kernel, dilation, rows) in new[]
        {
            (1, 96, 7, 1, 37), (16, 5, 3, 1, 9), (32, 1, 1, 1, 1), (48, 17, 7, 3, 23), (96, 64, 7, 9, 61), (200, 40, 1, 1, 5),
        })
        {
            var conv = PackedConv.Conv(Random(random, outChannels * inChannels * kernel), Random(random, outChannels), outChannels, inChannels, kernel, dilation);
            failures += Compare(log, $"conv out {outChannels} in {inChannels} k {kernel} d {dilation}", conv, rows, random, paths, twoWorkers);
        }
        var transposed = PackedConv.Transposed(Random(random, 24 * 40 * 10), Random(random, 40), 24, 40, 10, 5);
        failures += Compare(log, "transposed conv 24 -> 40 k 10 s 5", transposed, 11, random, paths, twoWorkers);
        foreach (var (outChannels, inChannels, dilation, rows, firstRow) in new[]
        {
            (96, 96, 1, 40, 0L), (48, 17, 3, 23, 5L), (1, 96, 9, 12, 1_000_003L), (200, 40, 1, 7, 1L), (32, 48, 3, 1, 2L),
        })
        {
            var conv = WinogradConv.Conv(Random(random, outChannels * inChannels * 7), Random(random, outChannels), outChannels, inChannels, dilation);
            failures += Compare(log, $"winograd out {outChannels} in {inChannels} d {dilation} from row {firstRow}", conv, rows, firstRow, random, paths, twoWorkers);
        }
        failures += Snake(log, random, paths);
        failures += Attention(log, random, paths);
        log.WriteLine($"float kernels: {paths.Length} SIMD paths checked against Generic");
        return failures;
    }

    private static int Compare(TextWriter log, string what, PackedConv conv, int rows, Random random, FloatKernelPath[] paths, RowParallelism workers)
    {
        var failures = 0;
        var inStride = PackedConv.Stride(conv.InChannels) + 16;
        var input = Random(random, (rows + conv.HistoryRows) * inStride);
        foreach (var residual in new[] { false, true })
        {
            var start = Random(random, rows * conv.OutLanes);
            var expected = Run(conv, FloatKernelPath.Generic, RowParallelism.Sequential, input, inStride, rows, start, residual);
            foreach (var path in paths)
            {
                foreach (var parallelism in new[] { RowParallelism.Sequential, workers })
                {
                    var actual = Run(conv, path, parallelism, input, inStride, rows, start, residual);
                    if (FirstMismatch(expected, actual) is { } at)
                    {
                        failures++;
                        log.WriteLine($"MISMATCH {path} {what} residual {residual} workers {parallelism.WorkerCount}: output {at}");
                    }
                }
            }
        }
        return failures;
    }

    private static int Compare(TextWriter log, string what, WinogradConv conv, int rows, long firstRow, Random random, FloatKernelPath[] paths, RowParallelism workers)
    {
        var failures = 0;
        var inStride = PackedConv.Stride(conv.InChannels) + 16;
        var input = Random(random, (rows + conv.HistoryRows) * inStride);
        float[] Run(FloatKernelPath path, RowParallelism parallelism)
        {
            var output = new float[rows * conv.OutLanes];
            conv.Run(new WinogradConv.Call(parallelism, path), input, inStride, rows, output, conv.OutLanes, firstRow);
            return output;
        }
        var expected = Run(FloatKernelPath.Generic, RowParallelism.Sequential);
        foreach (var path in paths)
        {
            foreach (var parallelism in new[] { RowParallelism.Sequential, workers })
            {
                if (FirstMismatch(expected, Run(path, parallelism)) is { } at)
                {
                    failures++;
                    log.WriteLine($"MISMATCH {path} {what} workers {parallelism.WorkerCount}: output {at}");
                }
            }
        }
        return failures;
    }

    private static float[] Run(PackedConv conv, FloatKernelPath path, RowParallelism parallelism, float[] input, int inStride, int rows, float[] start, bool residual)
    {
        var output = (float[])start.Clone();
        conv.Run(new PackedConv.ConvCall(parallelism, path), input, inStride, rows, output, conv.OutLanes, residual);
        return output;
    }

    private static int Snake(TextWriter log, Random random, FloatKernelPath[] paths)
    {
        const int channels = 40;
        const int rows = 13;
        var stride = PackedConv.Stride(channels);
        var input = Random(random, rows * stride, 30f);
        input[5] = 3e6f;
        input[stride + 17] = float.PositiveInfinity;
        var alpha = new float[stride];
        var inverse = new float[stride];
        for (var c = 0; c < channels; c++)
        {
            alpha[c] = MathF.Exp((float)random.NextDouble() - 0.5f);
            inverse[c] = 1f / (MathF.Exp((float)random.NextDouble() - 0.5f) + 1e-9f);
        }
        var expected = new float[input.Length];
        SnakeBeta.Apply(FloatKernelPath.Generic, input, expected, rows, channels, stride, alpha, inverse);
        var failures = 0;
        foreach (var path in paths)
        {
            var actual = new float[input.Length];
            SnakeBeta.Apply(path, input, actual, rows, channels, stride, alpha, inverse);
            for (var r = 0; r < rows; r++)
            {
                if (FirstMismatch(expected.AsSpan(r * stride, channels), actual.AsSpan(r * stride, channels)) is { } at)
                {
                    failures++;
                    log.WriteLine($"MISMATCH {path} SnakeBeta row {r}: channel {at}");
                }
            }
        }
        return failures;
    }

    /// <summary>The attention loops (scores and the value mix) over head widths with a tail past 16 lanes and odd spans.</summary>
    private static unsafe int Attention(TextWriter log, Random random, FloatKernelPath[] paths)
    {
        var failures = 0;
        foreach (var (headDim, stride, span) in new[] { (16, 32, 7), (20, 24, 3), (128, 1024, 301), (136, 272, 5) })
        {
            var query = Random(random, headDim);
            var cache = Random(random, span * stride);
            var weights = Random(random, span);
            float[] Run(FloatKernelPath path, bool mix)
            {
                var result = new float[mix ? headDim : span];
                fixed (float* q = query, c = cache, w = weights, r = result)
                {
                    if (mix)
                    {
                        AttentionKernels.Mix(path, w, c + (stride - headDim), stride, span, headDim, r);
                    }
                    else
                    {
                        AttentionKernels.Scores(path, q, c + (stride - headDim), stride, span, headDim, 0.125f, r);
                    }
                }
                return result;
            }
            foreach (var mix in new[] { false, true })
            {
                var expected = Run(FloatKernelPath.Generic, mix);
                foreach (var path in paths)
                {
                    if (FirstMismatch(expected, Run(path, mix)) is { } at)
                    {
                        failures++;
                        log.WriteLine($"MISMATCH {path} attention {(mix ? "mix" : "scores")} head {headDim} span {span}: {at}");
                    }
                }
            }
        }
        return failures;
    }

    private static int? FirstMismatch(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                return i;
            }
        }
        return null;
    }

    private static float[] Random(Random random, int length, float scale = 1f)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        }
        return values;
    }
}
