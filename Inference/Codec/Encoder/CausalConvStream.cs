namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>
/// One conv of one encoding pass, fed in chunks: it carries the last padding_total input rows from chunk to chunk
/// (MimiConv1dPaddingCache's idea), so chunked output equals one pass over the whole input. Every chunk but the
/// last must hold a multiple of the stride; the last gets the right "extra padding" — exactly what a one-shot
/// pass pads, since the rows before it are a multiple of the stride. The input can go through ELU on its way in
/// (the activation that precedes every SEANet conv but the first); padding is applied after it, as in PyTorch.
/// </summary>
internal sealed class CausalConvStream(CausalConv conv)
{
    private readonly float[] _history = new float[conv.HistoryRows * conv.InChannels];
    private float[] _padded = [];
    private float[] _output = [];
    private readonly float[] _gather = new float[conv.Dilation > 1 ? conv.Kernel * conv.InChannels : 0];
    private bool _started;

    public CausalConv Conv => conv;

    /// <summary>Feeds <paramref name="rows"/> input rows; returns the output buffer (valid until the next call) and its row count.</summary>
    public (float[] Output, int Rows) Push(ReadOnlySpan<float> input, int rows, bool last, bool elu, int threads)
    {
        var c = conv.InChannels;
        var s = conv.Stride;
        var h = conv.HistoryRows;
        if (!last && rows % s != 0)
        {
            throw new ArgumentException($"a chunk of {rows} rows is not a multiple of the stride {s}");
        }
        if (!_started)
        {
            if (rows == 0)
            {
                return (_output, 0);
            }
            _started = true;
            if (conv.Padding == ConvPadding.Replicate)
            {
                var row = new float[c];
                Activate(input[..c], row, elu);
                for (var r = 0; r < h; r++)
                {
                    row.CopyTo(_history.AsSpan(r * c));
                }
            }
        }

        var extra = last ? (rows + s - 1) / s * s - rows : 0;
        var total = h + rows + extra;
        if (_padded.Length < total * c)
        {
            _padded = new float[total * c];
        }
        _history.CopyTo(_padded, 0);
        Activate(input[..(rows * c)], _padded.AsSpan(h * c, rows * c), elu);
        var tail = _padded.AsSpan((h + rows) * c, extra * c);
        if (conv.Padding == ConvPadding.Constant || h + rows == 0)
        {
            tail.Clear();
        }
        else
        {
            var lastRow = _padded.AsSpan((h + rows - 1) * c, c);
            for (var r = 0; r < extra; r++)
            {
                lastRow.CopyTo(tail.Slice(r * c, c));
            }
        }

        var outRows = (rows + extra) / s;
        if (_output.Length < outRows * conv.OutChannels)
        {
            _output = new float[outRows * conv.OutChannels];
        }
        conv.Apply(_padded, outRows, _output, _gather, threads);
        // The next chunk's left context: the last h rows before the extra padding.
        Array.Copy(_padded, rows * c, _history, 0, h * c);
        return (_output, outRows);
    }

    private static void Activate(ReadOnlySpan<float> source, Span<float> destination, bool elu)
    {
        if (elu)
        {
            EncoderActivations.Elu(source, destination);
        }
        else
        {
            source.CopyTo(destination);
        }
    }
}
