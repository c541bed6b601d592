using System.Numerics.Tensors;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// A Linear layer's weight, row-major [Rows x Columns] (PyTorch layout: one row per output feature),
/// held either as f32 or as Q8_0 blocks. Products read each weight row once for all inputs, because
/// on a CPU the cost of these layers is reading the weights, not the arithmetic.
/// Instances are immutable and safe to share between threads.
/// </summary>
public sealed class QuantizedMatrix
{
    private readonly float[]? _f32;
    private readonly sbyte[]? _q;
    private readonly float[]? _scales;

    private QuantizedMatrix(int rows, int columns, WeightFormat format, float[]? f32, sbyte[]? q, float[]? scales)
    {
        Rows = rows;
        Columns = columns;
        Format = format;
        _f32 = f32;
        _q = q;
        _scales = scales;
    }

    public int Rows { get; }

    public int Columns { get; }

    public WeightFormat Format { get; }

    public long ElementCount => (long)Rows * Columns;

    /// <summary>Which int8 kernel Q8_0 products use; tests pin it to prove all kernels agree.</summary>
    internal Q8DotPath DotPath { get; set; } = Q8DotPath.Auto;

    private int BlocksPerRow => Columns / Q8Blocks.BlockSize;

    /// <summary>Wraps (does not copy) row-major f32 weights.</summary>
    public static QuantizedMatrix FromFloat32(float[] data, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckDimensions(rows, columns);
        if (data.LongLength != (long)rows * columns)
        {
            throw new ArgumentException($"f32 matrix [{rows} x {columns}] needs {(long)rows * columns} values, got {data.LongLength}.", nameof(data));
        }
        return new QuantizedMatrix(rows, columns, WeightFormat.Float32, data, null, null);
    }

    /// <summary>Takes ggml Q8_0 bytes (34 per 32 weights, rows stored one after another).</summary>
    public static QuantizedMatrix FromQ8_0(ReadOnlySpan<byte> blocks, int rows, int columns)
    {
        CheckDimensions(rows, columns);
        if (columns % Q8Blocks.BlockSize != 0)
        {
            throw new ArgumentException($"Q8_0 matrix needs a column count divisible by {Q8Blocks.BlockSize}, got {columns}.", nameof(columns));
        }
        var blockCount = (long)rows * columns / Q8Blocks.BlockSize;
        if (blocks.Length != blockCount * Q8Blocks.BytesPerBlock)
        {
            throw new ArgumentException(
                $"Q8_0 matrix [{rows} x {columns}] needs {blockCount * Q8Blocks.BytesPerBlock} bytes, got {blocks.Length}.", nameof(blocks));
        }
        // Split into one int8 array and one scale array so the kernel streams contiguous, aligned-size loads.
        var q = new sbyte[(long)rows * columns];
        var scales = new float[blockCount];
        for (long b = 0; b < blockCount; b++)
        {
            var block = blocks.Slice((int)(b * Q8Blocks.BytesPerBlock), Q8Blocks.BytesPerBlock);
            scales[b] = (float)BitConverter.ToHalf(block);
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(block[2..]).CopyTo(q.AsSpan((int)(b * Q8Blocks.BlockSize), Q8Blocks.BlockSize));
        }
        return new QuantizedMatrix(rows, columns, WeightFormat.Q8_0, null, q, scales);
    }

    /// <summary>Quantizes f32 weights to Q8_0 exactly as ggml would store them.</summary>
    public static QuantizedMatrix QuantizeToQ8_0(ReadOnlySpan<float> data, int rows, int columns)
    {
        CheckDimensions(rows, columns);
        if (columns % Q8Blocks.BlockSize != 0)
        {
            throw new ArgumentException($"Q8_0 matrix needs a column count divisible by {Q8Blocks.BlockSize}, got {columns}.", nameof(columns));
        }
        if (data.Length != (long)rows * columns)
        {
            throw new ArgumentException($"matrix [{rows} x {columns}] needs {(long)rows * columns} values, got {data.Length}.", nameof(data));
        }
        var bytes = new byte[(long)rows * columns / Q8Blocks.BlockSize * Q8Blocks.BytesPerBlock];
        Q8Blocks.Quantize(data, bytes);
        return FromQ8_0(bytes, rows, columns);
    }

    /// <summary>The weights as f32 (a copy; Q8_0 values are q * d).</summary>
    public float[] ToFloat32()
    {
        if (_f32 is not null)
        {
            return (float[])_f32.Clone();
        }
        var result = new float[ElementCount];
        for (long i = 0; i < result.LongLength; i++)
        {
            result[i] = _q![i] * _scales![i / Q8Blocks.BlockSize];
        }
        return result;
    }

    /// <summary>y = W x.</summary>
    public void MatVec(ReadOnlySpan<float> x, Span<float> y, RowParallelism? parallelism = null) =>
        MatMul(x, 1, y, parallelism);

    /// <summary>
    /// y[i] = W x[i] for n inputs at once (x is n x Columns, y is n x Rows, both row-major).
    /// Each weight row is read once and applied to all n inputs while it sits in L1.
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
        var job = t_job ??= new ProductJob();
        if (a.Format == WeightFormat.Q8_0 || b?.Format == WeightFormat.Q8_0 || c?.Format == WeightFormat.Q8_0)
        {
            var columns = a.Columns;
            var blocksPerRow = columns / Q8Blocks.BlockSize;
            var scratch = t_scratch ??= new ActivationScratch();
            scratch.Ensure(n * columns);
            for (var i = 0; i < n; i++)
            {
                ActivationQuantizer.Quantize(
                    x.Slice(i * columns, columns),
                    scratch.Q.AsSpan(i * columns, columns),
                    scratch.Scales.AsSpan(i * blocksPerRow, blocksPerRow));
            }
            job.Quantized = scratch;
        }
        fixed (float* xp = x)
        fixed (float* pa = ya)
        fixed (float* pb = yb)
        fixed (float* pc = yc)
        {
            job.X = xp;
            job.N = n;
            job.Matrices[0] = a;
            job.OutputPointers[0] = (nint)pa;
            job.Matrices[1] = b;
            job.OutputPointers[1] = (nint)pb;
            job.Matrices[2] = c;
            job.OutputPointers[2] = (nint)pc;
            var rows = a.Rows + (b?.Rows ?? 0) + (c?.Rows ?? 0);
            var weights = a.ElementCount + (b?.ElementCount ?? 0) + (c?.ElementCount ?? 0);
            try
            {
                (parallelism ?? RowParallelism.Shared).Run(job, rows, weights);
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

    private unsafe void ComputeRows(int start, int end, float* x, ActivationScratch? quantized, float* y, int n)
    {
        var columns = Columns;
        if (Format == WeightFormat.Float32)
        {
            for (var r = start; r < end; r++)
            {
                var row = new ReadOnlySpan<float>(_f32!, r * columns, columns);
                for (var i = 0; i < n; i++)
                {
                    y[(long)i * Rows + r] = TensorPrimitives.Dot(row, new ReadOnlySpan<float>(x + (long)i * columns, columns));
                }
            }
            return;
        }
        var bpr = BlocksPerRow;
        var path = DotPath;
        for (var r = start; r < end; r++)
        {
            var row = new ReadOnlySpan<sbyte>(_q!, r * columns, columns);
            var rowScales = new ReadOnlySpan<float>(_scales!, r * bpr, bpr);
            for (var i = 0; i < n; i++)
            {
                y[(long)i * Rows + r] = Q8DotKernels.Dot(
                    row, rowScales,
                    quantized!.Q.AsSpan(i * columns, columns), quantized.Scales.AsSpan(i * bpr, bpr),
                    path);
            }
        }
    }

    private static void CheckDimensions(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
    }

    [ThreadStatic]
    private static ProductJob? t_job;

    [ThreadStatic]
    private static ActivationScratch? t_scratch;

    /// <summary>
    /// One per calling thread and reused, so a product allocates nothing. Its rows are the rows of up to
    /// three matrices one after another; a worker's slice may span a matrix boundary.
    /// </summary>
    private sealed unsafe class ProductJob : IRowRangeWork
    {
        public readonly QuantizedMatrix?[] Matrices = new QuantizedMatrix?[3];
        public readonly nint[] OutputPointers = new nint[3];
        public ActivationScratch? Quantized;
        public float* X;
        public int N;

        public void Execute(int startRow, int endRow)
        {
            var offset = 0;
            for (var k = 0; k < Matrices.Length; k++)
            {
                if (Matrices[k] is not { } matrix)
                {
                    continue;
                }
                var first = Math.Max(startRow, offset);
                var end = Math.Min(endRow, offset + matrix.Rows);
                if (first < end)
                {
                    matrix.ComputeRows(first - offset, end - offset, X, Quantized, (float*)OutputPointers[k], N);
                }
                offset += matrix.Rows;
            }
        }

        public void Clear()
        {
            Array.Clear(Matrices);
            Array.Clear(OutputPointers);
            Quantized = null;
            X = null;
        }
    }

    /// <summary>Per-thread int8 copy of the inputs; grows to the largest product seen, then stays.</summary>
    private sealed class ActivationScratch
    {
        public sbyte[] Q = [];
        public float[] Scales = [];

        public void Ensure(int values)
        {
            if (Q.Length < values)
            {
                Q = new sbyte[values];
                Scales = new float[values / Q8Blocks.BlockSize];
            }
        }
    }
}
