using Qwen3Tts.Inference.Kernels.Linear;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// One product of up to three matrices sharing an input, as work for <see cref="RowParallelism"/>: its
/// "rows" are the row groups of the matrices one after another (a worker's slice may span a matrix
/// boundary). One per calling thread and reused, so a product allocates nothing.
/// </summary>
internal sealed unsafe class LinearProductJob : IRowRangeWork
{
    private const int GroupRows = PackedLayout.GroupRows;

    public readonly LinearKernelPath[] Paths = new LinearKernelPath[3];
    private readonly PackedWeights?[] _matrices = new PackedWeights?[3];
    private readonly nint[] _outputs = new nint[3];

    public ActivationScratch? Quantized;
    public float* X;
    public int N;

    public void Set(int index, PackedWeights? matrix, float* output)
    {
        _matrices[index] = matrix;
        _outputs[index] = (nint)output;
    }

    public void Execute(int startGroup, int endGroup)
    {
        var offset = 0;
        for (var k = 0; k < _matrices.Length; k++)
        {
            if (_matrices[k] is not { } matrix)
            {
                continue;
            }
            var first = Math.Max(startGroup, offset);
            var end = Math.Min(endGroup, offset + matrix.Groups);
            if (first < end)
            {
                Compute(matrix, Paths[k], first - offset, end - offset, (float*)_outputs[k]);
            }
            offset += matrix.Groups;
        }
    }

    public void Clear()
    {
        Array.Clear(_matrices);
        Array.Clear(_outputs);
        Quantized = null;
        X = null;
    }

    private void Compute(PackedWeights matrix, LinearKernelPath path, int startGroup, int endGroup, float* y)
    {
        var rows = matrix.Rows;
        var columns = matrix.Columns;
        var block = PackedLayout.IsBlockFormat(matrix.Format);
        var blocks = columns / PackedLayout.BlockSize;
        var partial = stackalloc float[GroupRows];
        var together = block ? LinearKernels.BlockInputs(path) : 1;
        for (var g = startGroup; g < endGroup; g++)
        {
            var group = matrix.Group(g);
            var firstRow = g * GroupRows;
            var full = firstRow + GroupRows <= rows;
            var i = 0;
            if (full && together > 1)
            {
                // A batch's rows four (then two) at a time through one kernel call: each weight chunk is loaded and widened
                // once for all of them.
                var q = Quantized!;
                for (; i + 4 <= N; i += 4)
                {
                    LinearKernels.BlockGroup4(path, matrix.Format, group, blocks, matrix.ScaleBytes, q.Input(i), q.Input(i + 1), q.Input(i + 2), q.Input(i + 3),
                        Row(y, i, rows, firstRow), Row(y, i + 1, rows, firstRow), Row(y, i + 2, rows, firstRow), Row(y, i + 3, rows, firstRow));
                }
                for (; i + 2 <= N; i += 2)
                {
                    LinearKernels.BlockGroup2(path, matrix.Format, group, blocks, matrix.ScaleBytes, q.Input(i), q.Input(i + 1),
                        Row(y, i, rows, firstRow), Row(y, i + 1, rows, firstRow));
                }
            }
            // Inputs inner: the group's weights (at most 16 x 3072 int8 = 48 KB) stay in L1/L2 for inputs 2..n.
            for (; i < N; i++)
            {
                var target = full ? y + (long)i * rows + firstRow : partial;
                if (block)
                {
                    LinearKernels.BlockGroup(path, matrix.Format, group, blocks, matrix.ScaleBytes, Quantized!.Input(i), target);
                }
                else
                {
                    LinearKernels.FloatGroup(path, matrix.Format, group, columns, X + (long)i * columns, target);
                }
                if (!full)
                {
                    new ReadOnlySpan<float>(partial, rows - firstRow).CopyTo(new Span<float>(y + (long)i * rows + firstRow, rows - firstRow));
                }
            }
        }
    }

    private static float* Row(float* y, int input, int rows, int firstRow) => y + (long)input * rows + firstRow;
}
