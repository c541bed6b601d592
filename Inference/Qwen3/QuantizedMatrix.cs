using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Kernels.Linear;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// A Linear layer's weight, row-major [Rows x Columns] (PyTorch layout: one row per output feature),
/// in one of the ggml encodings f32, f16, bf16, Q8_0 or Q4_0, packed for the SIMD kernels
/// (<see cref="PackedLayout"/>: 16 rows interleaved, the bytes of the ggml encoding). Products read
/// each weight once for all inputs, because on a CPU the cost of these layers is reading the weights,
/// not the arithmetic. Block formats multiply against activations quantized to Q8_0 blocks (ggml's
/// vec_dot_q8_0_q8_0 / q4_0_q8_0 scheme). Every kernel path gives bit-identical results.
/// Instances are immutable (but for the kernel pin) and safe to share between threads.
/// </summary>
public sealed class QuantizedMatrix
{
    private readonly PackedWeights _packed;

    private QuantizedMatrix(PackedWeights packed)
    {
        _packed = packed;
    }

    public int Rows => _packed.Rows;

    public int Columns => _packed.Columns;

    public WeightFormat Format => _packed.Format;

    public long ElementCount => (long)Rows * Columns;

    /// <summary>Bytes held in memory (row padding to 16 included): what one product streams.</summary>
    public long ByteCount => _packed.ByteCount;

    /// <summary>Which kernel path this matrix's products use; <see cref="LinearKernelPath.Auto"/> follows <see cref="LinearKernels.Default"/>. Tests pin it to prove all paths agree.</summary>
    public LinearKernelPath KernelPath { get; set; } = LinearKernelPath.Auto;

    /// <summary>f32 weights (copied into the packed layout).</summary>
    public static QuantizedMatrix FromFloat32(float[] data, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckDimensions(WeightFormat.Float32, rows, columns);
        if (data.LongLength != (long)rows * columns)
        {
            throw new ArgumentException($"f32 matrix [{rows} x {columns}] needs {(long)rows * columns} values, got {data.LongLength}.", nameof(data));
        }
        return new QuantizedMatrix(PackedWeights.Pack(WeightFormat.Float32, System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()), rows, columns));
    }

    /// <summary>
    /// Weights given in their ggml encoding, rows one after another: little-endian f32/f16/bf16, or
    /// ggml blocks for Q8_0 (34 bytes per 32 weights) and Q4_0 (18 bytes).
    /// </summary>
    public static QuantizedMatrix FromGgml(WeightFormat format, ReadOnlySpan<byte> bytes, int rows, int columns)
    {
        CheckDimensions(format, rows, columns);
        var expected = GgmlQuantization.RowByteSize(WeightFormats.ToGgml(format), (long)rows * columns);
        if (bytes.Length != expected)
        {
            throw new ArgumentException(
                $"{WeightFormats.Name(format)} matrix [{rows} x {columns}] needs {expected} bytes, got {bytes.Length}.", nameof(bytes));
        }
        return new QuantizedMatrix(PackedWeights.Pack(format, bytes, rows, columns));
    }

    /// <summary>Converts f32 weights to <paramref name="format"/> exactly as ggml's reference quantizers would store them.</summary>
    public static QuantizedMatrix Create(WeightFormat format, ReadOnlySpan<float> data, int rows, int columns)
    {
        CheckDimensions(format, rows, columns);
        if (data.Length != (long)rows * columns)
        {
            throw new ArgumentException($"matrix [{rows} x {columns}] needs {(long)rows * columns} values, got {data.Length}.", nameof(data));
        }
        var type = WeightFormats.ToGgml(format);
        var bytes = new byte[GgmlQuantization.RowByteSize(type, data.Length)];
        GgmlQuantization.Quantize(type, data, bytes);
        return new QuantizedMatrix(PackedWeights.Pack(format, bytes, rows, columns));
    }

    /// <summary>Takes ggml Q8_0 bytes (34 per 32 weights, rows stored one after another).</summary>
    public static QuantizedMatrix FromQ8_0(ReadOnlySpan<byte> blocks, int rows, int columns) => FromGgml(WeightFormat.Q8_0, blocks, rows, columns);

    /// <summary>Quantizes f32 weights to Q8_0 exactly as ggml would store them.</summary>
    public static QuantizedMatrix QuantizeToQ8_0(ReadOnlySpan<float> data, int rows, int columns) => Create(WeightFormat.Q8_0, data, rows, columns);

    /// <summary>The weights as row-major f32 (a copy; block values are dequantized as ggml does).</summary>
    public float[] ToFloat32()
    {
        var result = new float[ElementCount];
        _packed.Unpack(result);
        return result;
    }

    /// <summary>y = W x.</summary>
    public void MatVec(ReadOnlySpan<float> x, Span<float> y, RowParallelism? parallelism = null) =>
        MatMul(x, 1, y, parallelism);

    /// <summary>
    /// y[i] = W x[i] for n inputs at once (x is n x Columns, y is n x Rows, both row-major).
    /// Each group of 16 weight rows is read from memory once and applied to all n inputs while it is in cache.
    /// </summary>
    public void MatMul(ReadOnlySpan<float> x, int n, Span<float> y, RowParallelism? parallelism = null) =>
        MatMulSharedInput(x, n, this, y, null, default, null, default, parallelism);

    /// <summary>
    /// Products of up to three matrices that read the same input (Q/K/V, gate/up): the input is
    /// quantized once and all rows go out in one fan-out, which saves a thread round trip per matrix.
    /// Results are bit-identical to separate <see cref="MatMul"/> calls.
    /// </summary>
    internal static unsafe void MatMulSharedInput(
        ReadOnlySpan<float> x, int n,
        QuantizedMatrix a, Span<float> ya,
        QuantizedMatrix? b, Span<float> yb,
        QuantizedMatrix? c, Span<float> yc,
        RowParallelism? parallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        a.CheckProduct(x, n, ya, a.Columns);
        b?.CheckProduct(x, n, yb, a.Columns);
        c?.CheckProduct(x, n, yc, a.Columns);
        var job = t_job ??= new LinearProductJob();
        job.Paths[0] = LinearKernels.Resolve(a.KernelPath, a.Format);
        job.Paths[1] = b is null ? default : LinearKernels.Resolve(b.KernelPath, b.Format);
        job.Paths[2] = c is null ? default : LinearKernels.Resolve(c.KernelPath, c.Format);
        if (PackedLayout.IsBlockFormat(a.Format) || (b is not null && PackedLayout.IsBlockFormat(b.Format)) || (c is not null && PackedLayout.IsBlockFormat(c.Format)))
        {
            var wide = LinearKernels.WantsWideActivations(job.Paths[0], a.Format)
                || (b is not null && LinearKernels.WantsWideActivations(job.Paths[1], b.Format))
                || (c is not null && LinearKernels.WantsWideActivations(job.Paths[2], c.Format));
            var scratch = t_scratch ??= new ActivationScratch();
            scratch.Prepare(x, n, a.Columns, wide);
            job.Quantized = scratch;
        }
        fixed (float* xp = x)
        fixed (float* pa = ya)
        fixed (float* pb = yb)
        fixed (float* pc = yc)
        {
            job.X = xp;
            job.N = n;
            job.Set(0, a._packed, pa);
            job.Set(1, b?._packed, pb);
            job.Set(2, c?._packed, pc);
            var groups = a._packed.Groups + (b?._packed.Groups ?? 0) + (c?._packed.Groups ?? 0);
            var weights = a.ElementCount + (b?.ElementCount ?? 0) + (c?.ElementCount ?? 0);
            try
            {
                (parallelism ?? RowParallelism.Shared).Run(job, groups, weights);
            }
            finally
            {
                job.Clear();
            }
        }
    }

    private void CheckProduct(ReadOnlySpan<float> x, int n, Span<float> y, int sharedColumns)
    {
        if (Columns != sharedColumns)
        {
            throw new ArgumentException($"matrices sharing an input need the same width: {Columns} vs {sharedColumns}.");
        }
        if (x.Length != n * Columns)
        {
            throw new ArgumentException($"input for {n} rows of width {Columns} needs {n * Columns} values, got {x.Length}.", nameof(x));
        }
        if (y.Length != n * Rows)
        {
            throw new ArgumentException($"output for {n} rows of width {Rows} needs {n * Rows} values, got {y.Length}.", nameof(y));
        }
    }

    private static void CheckDimensions(WeightFormat format, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (WeightFormats.IsBlock(format) && columns % PackedLayout.BlockSize != 0)
        {
            throw new ArgumentException($"{WeightFormats.Name(format)} matrix needs a column count divisible by {PackedLayout.BlockSize}, got {columns}.", nameof(columns));
        }
    }

    [ThreadStatic]
    private static LinearProductJob? t_job;

    [ThreadStatic]
    private static ActivationScratch? t_scratch;
}
