using System.Buffers.Binary;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Kernels.Linear;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.KernelCheck;

/// <summary>
/// Products of every weight format on every supported kernel path, compared bit for bit with the
/// scalar path: single and batched inputs, partial row groups, float widths that are not a multiple
/// of 4, extreme quants (-128, nibbles 0 and 15), two workers; then a small Qwen3 stack forward.
/// </summary>
internal static class KernelEquality
{
    private static readonly (int Rows, int Columns)[] Shapes = [(16, 32), (37, 96), (130, 256), (48, 1024)];

    public static int Run(TextWriter log)
    {
        var failures = 0;
        var paths = LinearKernels.Supported();
        log.WriteLine($"paths: {string.Join(", ", paths)}");
        using var twoWorkers = new RowParallelism(2, minWeightsToSplit: 0);
        foreach (var format in Enum.GetValues<WeightFormat>())
        {
            foreach (var (rows, baseColumns) in Shapes)
            {
                var columns = WeightFormats.IsBlock(format) ? baseColumns : baseColumns + 3;
                var random = new Random(rows * 31 + columns + (int)format);
                var m = QuantizedMatrix.FromGgml(format, RandomGgmlBytes(random, format, rows, columns), rows, columns);
                var x = Inputs(random, columns, 3);
                m.KernelPath = LinearKernelPath.Scalar;
                var expected = new float[3 * rows];
                m.MatMul(x, 3, expected, RowParallelism.Sequential);
                foreach (var path in paths)
                {
                    m.KernelPath = path;
                    foreach (var parallelism in new[] { RowParallelism.Sequential, twoWorkers })
                    {
                        var actual = new float[3 * rows];
                        m.MatMul(x, 3, actual, parallelism);
                        var single = new float[rows];
                        m.MatVec(x.AsSpan(columns, columns), single, parallelism);
                        var mismatch = FirstMismatch(expected, actual) ?? FirstMismatch(expected.AsSpan(rows, rows), single);
                        if (mismatch is { } at)
                        {
                            failures++;
                            log.WriteLine($"MISMATCH {path} {WeightFormats.Name(format)} [{rows} x {columns}] workers {parallelism.WorkerCount}: output {at}");
                        }
                    }
                }
            }
            log.WriteLine($"{WeightFormats.Name(format),-5} products: {paths.Count} paths checked");
        }
        failures += Forward(log, paths);
        return failures;
    }

    private static int Forward(TextWriter log, IReadOnlyList<LinearKernelPath> paths)
    {
        var failures = 0;
        var config = new Qwen3DecoderConfig(2, 64, 4, 2, 32, 96, 1e-6f, 1_000_000f, 4096);
        foreach (var format in new[] { WeightFormat.Q8_0, WeightFormat.Q4_0, WeightFormat.BFloat16 })
        {
            var inputs = Inputs(new Random(3), config.HiddenSize, 5);
            float[] Run(LinearKernelPath path)
            {
                var weights = Stack(config, format, path);
                var engine = new Qwen3Forward(weights, 5, 16, RowParallelism.Sequential);
                var all = new float[5 * config.HiddenSize];
                engine.Forward(inputs, 5, 0, engine.CreateCache(), new float[config.HiddenSize], all);
                return all;
            }
            var expected = Run(LinearKernelPath.Scalar);
            foreach (var path in paths)
            {
                if (FirstMismatch(expected, Run(path)) is { } at)
                {
                    failures++;
                    log.WriteLine($"MISMATCH {path} {WeightFormats.Name(format)} forward: output {at}");
                }
            }
            log.WriteLine($"{WeightFormats.Name(format),-5} forward: {paths.Count} paths checked");
        }
        return failures;
    }

    private static Qwen3StackWeights Stack(Qwen3DecoderConfig c, WeightFormat format, LinearKernelPath path)
    {
        var random = new Random(30);
        QuantizedMatrix M(int rows, int columns)
        {
            var m = QuantizedMatrix.Create(format, Values(random, rows * columns, MathF.Sqrt(3f / columns)), rows, columns);
            m.KernelPath = path;
            return m;
        }
        float[] Norm(int n) => Values(random, n, 0.2f).Select(v => 1 + v).ToArray();
        var layers = Enumerable.Range(0, c.LayerCount).Select(_ => new Qwen3LayerWeights(
            Norm(c.HiddenSize), M(c.QueryWidth, c.HiddenSize), M(c.KeyValueWidth, c.HiddenSize), M(c.KeyValueWidth, c.HiddenSize),
            M(c.HiddenSize, c.QueryWidth), Norm(c.HeadDim), Norm(c.HeadDim), Norm(c.HiddenSize),
            M(c.FeedForwardSize, c.HiddenSize), M(c.FeedForwardSize, c.HiddenSize), M(c.HiddenSize, c.FeedForwardSize))).ToArray();
        return new Qwen3StackWeights(c, layers, Norm(c.HiddenSize));
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

    /// <summary>Smooth values, a row with a huge dynamic range, and rows that quantize to exactly ±127.</summary>
    private static float[] Inputs(Random random, int columns, int n)
    {
        var x = Values(random, n * columns, 2f);
        for (var k = 0; k < columns; k++)
        {
            x[k] *= MathF.Pow(10, random.Next(-6, 4));
            if (n > 2)
            {
                x[2 * columns + k] = (k & 1) == 0 ? 0.75f : -0.75f;
            }
        }
        return x;
    }

    private static float[] Values(Random random, int count, float amplitude)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1) * amplitude;
        }
        return values;
    }

    private static byte[] RandomGgmlBytes(Random random, WeightFormat format, int rows, int columns)
    {
        var type = WeightFormats.ToGgml(format);
        var bytes = new byte[GgmlQuantization.RowByteSize(type, (long)rows * columns)];
        if (!WeightFormats.IsBlock(format))
        {
            GgmlQuantization.Quantize(type, Values(random, rows * columns, 3f), bytes);
            return bytes;
        }
        random.NextBytes(bytes);
        var blockBytes = GgmlQuantization.BlockBytes(type);
        for (var b = 0; b < bytes.Length / blockBytes; b++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(b * blockBytes), (Half)((random.NextDouble() * 2 - 1) * 0.02));
        }
        bytes[2] = 0x80;
        bytes[3] = 0xff;
        return bytes;
    }
}
