namespace Qwen3Tts.Inference.Prompt;

/// <summary>A growable row-major [n, width] float buffer whose new rows start zeroed.</summary>
internal sealed class RowBuffer(int width)
{
    private float[] _data = new float[width * 16];

    public int Count { get; private set; }

    public Span<float> Append()
    {
        var needed = (Count + 1) * width;
        if (needed > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(needed, _data.Length * 2));
        }
        var row = _data.AsSpan(Count * width, width);
        row.Clear();
        Count++;
        return row;
    }

    public ReadOnlySpan<float> Row(int index) => _data.AsSpan(index * width, width);

    public float[] ToArray() => _data.AsSpan(0, Count * width).ToArray();
}
