namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// The last inputs a causal layer has seen, carried from one decode pass to the next: a conv's (k − 1)·d input
/// rows, a transposed conv's previous row, an attention layer's last window − 1 keys or values. A pass copies it
/// in front of its new rows (so the layer reads one contiguous buffer), then keeps the tail of history + new rows.
/// Before the first frame it is zeros, which is the zero padding of a one-shot decode.
/// </summary>
internal sealed class CausalHistory(int rows, int stride)
{
    private readonly float[] _data = new float[rows * stride];

    public int Rows { get; } = rows;

    public int Stride { get; } = stride;

    /// <summary>Writes the history into the first <see cref="Rows"/> rows of <paramref name="view"/>.</summary>
    public void Restore(Span<float> view) => _data.CopyTo(view);

    /// <summary>Keeps the last <see cref="Rows"/> rows of a view holding history + <paramref name="newRows"/> rows.</summary>
    public void Advance(ReadOnlySpan<float> view, int newRows) => view.Slice(newRows * Stride, _data.Length).CopyTo(_data);

    public void Clear() => Array.Clear(_data);
}
