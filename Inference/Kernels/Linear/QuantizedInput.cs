using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// One activation row prepared for the block-format kernels: int8 values in ggml Q8_0 blocks of 32
/// with an exact f32 scale per block, each block's integer sum (Q4_0 weights are stored as q = w + 8,
/// so Σ w·x = Σ q·x − 8·Σ x), and optionally the same values widened to int16 for kernels that
/// multiply in 16 bits, each 4-column chunk in the order (x0, x2, x1, x3). Pointers into pinned scratch owned by <see cref="ActivationScratch"/>.
/// </summary>
internal readonly unsafe struct QuantizedInput(sbyte* values, float* scales, int* sums, short* wide)
{
    public readonly sbyte* Values = values;
    public readonly float* Scales = scales;
    public readonly int* Sums = sums;
    public readonly short* Wide = wide;
}

/// <summary>
/// Per-thread scratch for quantized activations: grows to the largest product seen, then stays
/// (so a product allocates nothing). Pinned, so kernels take raw pointers.
/// </summary>
internal sealed unsafe class ActivationScratch
{
    private sbyte[] _values = [];
    private short[] _wide = [];
    private float[] _scales = [];
    private int[] _sums = [];
    private int _columns;

    /// <summary>Quantizes n rows of width <paramref name="columns"/> (a multiple of 32).</summary>
    public void Prepare(ReadOnlySpan<float> x, int n, int columns, bool wide)
    {
        var values = n * columns;
        if (_values.Length < values)
        {
            _values = GC.AllocateArray<sbyte>(values, pinned: true);
            _wide = GC.AllocateArray<short>(values, pinned: true);
            _scales = GC.AllocateArray<float>(values / ActivationQuantizer.BlockSize, pinned: true);
            _sums = GC.AllocateArray<int>(values / ActivationQuantizer.BlockSize, pinned: true);
        }
        _columns = columns;
        var blocks = columns / ActivationQuantizer.BlockSize;
        for (var i = 0; i < n; i++)
        {
            var q = _values.AsSpan(i * columns, columns);
            ActivationQuantizer.Quantize(x.Slice(i * columns, columns), q, _scales.AsSpan(i * blocks, blocks), _sums.AsSpan(i * blocks, blocks));
            if (wide)
            {
                // Column pairs (4c, 4c+2), (4c+1, 4c+3) per 4-column chunk: the order the AVX-512 Q8_0 kernel multiplies them in.
                var row = _wide.AsSpan(i * columns, columns);
                for (var c = 0; c < columns; c += PackedLayout.ChunkColumns)
                {
                    row[c] = q[c];
                    row[c + 1] = q[c + 2];
                    row[c + 2] = q[c + 1];
                    row[c + 3] = q[c + 3];
                }
            }
        }
    }

    public QuantizedInput Input(int i)
    {
        var blocks = _columns / ActivationQuantizer.BlockSize;
        return new QuantizedInput(
            (sbyte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_values)) + (long)i * _columns,
            (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_scales)) + (long)i * blocks,
            (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_sums)) + (long)i * blocks,
            (short*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_wide)) + (long)i * _columns);
    }
}
