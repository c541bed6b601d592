namespace Qwen3Tts.Inference.Audio;

/// <summary>
/// Encodes one 16-bit mono block as the cheapest of: a CONSTANT subframe (silence), a FIXED-predictor subframe
/// of order 0 to 4 with Rice-coded residuals, or VERBATIM. Sizes are counted exactly before anything is
/// written, so the chosen subframe is never larger than verbatim. Buffers are sized once for the largest block.
/// </summary>
internal sealed class FlacSubframeEncoder
{
    public const int BitsPerSample = 16;
    public const int MaxFixedOrder = 4;
    public const int MaxPartitionOrder = 6;

    // Rice parameters 0..14 fit the 4-bit field (15 escapes); larger ones need the 5-bit method (31 escapes).
    private const int MaxNarrowParameter = 14;
    private const int MaxRiceParameter = 30;

    private readonly uint[] _folded;  // zigzag-folded residuals of the order being tried
    private readonly int[] _trialParameters = new int[1 << MaxPartitionOrder];
    private readonly int[] _bestParameters = new int[1 << MaxPartitionOrder];

    public FlacSubframeEncoder(int maxBlockSize)
    {
        _folded = new uint[maxBlockSize];
    }

    public void Encode(ReadOnlySpan<short> block, ref FlacBitWriter writer)
    {
        if (IsConstant(block))
        {
            writer.WriteBits(0b0_000000_0, 8);
            writer.WriteSigned(block[0], BitsPerSample);
            return;
        }

        var bestBits = 8L + (long)BitsPerSample * block.Length; // verbatim
        var bestOrder = -1;
        var bestPartitionOrder = 0;
        for (var order = 0; order <= Math.Min(MaxFixedOrder, block.Length - 1); order++)
        {
            Fold(block, order);
            for (var partitionOrder = 0; partitionOrder <= MaxPartitionOrder; partitionOrder++)
            {
                if (!PartitionOrderFits(block.Length, order, partitionOrder))
                {
                    continue;
                }
                var bits = 8L + (long)order * BitsPerSample + 2 + 4 + RiceBits(block.Length, order, partitionOrder, _trialParameters);
                if (bits < bestBits)
                {
                    bestBits = bits;
                    bestOrder = order;
                    bestPartitionOrder = partitionOrder;
                    _trialParameters.AsSpan(0, 1 << partitionOrder).CopyTo(_bestParameters);
                }
            }
        }

        if (bestOrder < 0)
        {
            writer.WriteBits(0b0_000001_0, 8);
            foreach (var sample in block)
            {
                writer.WriteSigned(sample, BitsPerSample);
            }
            return;
        }
        WriteFixed(block, bestOrder, bestPartitionOrder, ref writer);
    }

    private static bool IsConstant(ReadOnlySpan<short> block)
    {
        var first = block[0];
        foreach (var sample in block)
        {
            if (sample != first)
            {
                return false;
            }
        }
        return true;
    }

    // The block splits into 2^p equal partitions and the first one, which loses the warm-up samples, keeps at least one.
    private static bool PartitionOrderFits(int blockSize, int order, int partitionOrder) =>
        blockSize % (1 << partitionOrder) == 0 && (blockSize >> partitionOrder) > order;

    private static int Residual(ReadOnlySpan<short> x, int order, int i) => order switch
    {
        0 => x[i],
        1 => x[i] - x[i - 1],
        2 => x[i] - 2 * x[i - 1] + x[i - 2],
        3 => x[i] - 3 * x[i - 1] + 3 * x[i - 2] - x[i - 3],
        _ => x[i] - 4 * x[i - 1] + 6 * x[i - 2] - 4 * x[i - 3] + x[i - 4],
    };

    private static uint Fold(int residual) => (uint)((residual << 1) ^ (residual >> 31));

    private void Fold(ReadOnlySpan<short> block, int order)
    {
        for (var i = order; i < block.Length; i++)
        {
            _folded[i - order] = Fold(Residual(block, order, i));
        }
    }

    private long RiceBits(int blockSize, int order, int partitionOrder, Span<int> parameters)
    {
        var partitions = 1 << partitionOrder;
        var perPartition = blockSize >> partitionOrder;
        long bits = 0;
        var wide = false;
        var offset = 0;
        for (var j = 0; j < partitions; j++)
        {
            var count = j == 0 ? perPartition - order : perPartition;
            var values = _folded.AsSpan(offset, count);
            offset += count;
            var parameter = 0;
            var cost = RiceCost(values, 0);
            // Each sample's cost is convex in the parameter, so the sum is too: stop at the first rise.
            for (var next = 1; next <= MaxRiceParameter; next++)
            {
                var nextCost = RiceCost(values, next);
                if (nextCost >= cost)
                {
                    break;
                }
                cost = nextCost;
                parameter = next;
            }
            parameters[j] = parameter;
            wide |= parameter > MaxNarrowParameter;
            bits += cost;
        }
        return bits + (long)partitions * (wide ? 5 : 4);
    }

    private static long RiceCost(ReadOnlySpan<uint> values, int parameter)
    {
        long bits = (long)values.Length * (parameter + 1);
        foreach (var value in values)
        {
            bits += value >> parameter;
        }
        return bits;
    }

    private void WriteFixed(ReadOnlySpan<short> block, int order, int partitionOrder, ref FlacBitWriter writer)
    {
        writer.WriteBits((uint)(0b001000 | order) << 1, 8);
        for (var i = 0; i < order; i++)
        {
            writer.WriteSigned(block[i], BitsPerSample);
        }

        Fold(block, order);
        var partitions = 1 << partitionOrder;
        var wide = false;
        for (var j = 0; j < partitions; j++)
        {
            wide |= _bestParameters[j] > MaxNarrowParameter;
        }
        writer.WriteBits(wide ? 1u : 0u, 2);
        writer.WriteBits((uint)partitionOrder, 4);

        var perPartition = block.Length >> partitionOrder;
        var offset = 0;
        for (var j = 0; j < partitions; j++)
        {
            var parameter = _bestParameters[j];
            writer.WriteBits((uint)parameter, wide ? 5 : 4);
            var count = j == 0 ? perPartition - order : perPartition;
            foreach (var value in _folded.AsSpan(offset, count))
            {
                writer.WriteUnary(value >> parameter);
                writer.WriteBits(value, parameter);
            }
            offset += count;
        }
    }
}
