namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// cos/sin of RoPE angles pos * theta^(-2i/head_dim), i &lt; head_dim/2, precomputed for every position
/// the caches can hold. Applied in the rotate-half (NEOX) layout: element i pairs with i + head_dim/2.
/// </summary>
internal sealed class RotaryTable
{
    private readonly float[] _cos;
    private readonly float[] _sin;
    private readonly int _half;

    public RotaryTable(int headDim, float theta, int positions)
    {
        _half = headDim / 2;
        Positions = positions;
        _cos = new float[(long)positions * _half];
        _sin = new float[(long)positions * _half];
        for (var i = 0; i < _half; i++)
        {
            var inverseFrequency = Math.Pow(theta, -2.0 * i / headDim);
            for (var p = 0; p < positions; p++)
            {
                var angle = p * inverseFrequency;
                _cos[p * _half + i] = (float)Math.Cos(angle);
                _sin[p * _half + i] = (float)Math.Sin(angle);
            }
        }
    }

    public int Positions { get; }

    /// <summary>Rotates one head vector in place for the given position.</summary>
    public void Apply(Span<float> head, int position)
    {
        var cos = _cos.AsSpan(position * _half, _half);
        var sin = _sin.AsSpan(position * _half, _half);
        var first = head[.._half];
        var second = head.Slice(_half, _half);
        for (var i = 0; i < _half; i++)
        {
            var a = first[i];
            var b = second[i];
            first[i] = a * cos[i] - b * sin[i];
            second[i] = b * cos[i] + a * sin[i];
        }
    }
}
