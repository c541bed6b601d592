using System.Numerics;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// The pre-transformer's attention for the rows of one pass: rotary embedding (rotate_half layout,
/// inv_freq = θ^(−2i/d), angles in double so a long stream keeps its precision), then causal attention over
/// the last <c>sliding_window</c> keys including the current one, read from a buffer that holds the
/// window − 1 keys of earlier passes followed by this pass's keys. Keys before frame 0 do not exist and are
/// skipped, as the HF mask does.
/// </summary>
internal static class SlidingWindowAttention
{
    /// <summary>cos/sin of every rotary pair for frames <paramref name="firstPosition"/> … + rows − 1 ([rows][headDim / 2]).</summary>
    public static void RopeTables(SpeechTokenizerDecoderConfig c, long firstPosition, int rows, Span<float> cos, Span<float> sin)
    {
        var half = c.HeadDim / 2;
        for (var t = 0; t < rows; t++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = (firstPosition + t) * Math.Pow(c.RopeTheta, -2.0 * i / c.HeadDim);
                var (s, k) = Math.SinCos(angle);
                cos[t * half + i] = (float)k;
                sin[t * half + i] = (float)s;
            }
        }
    }

    /// <summary>Rotates <paramref name="heads"/> heads of one row in place.</summary>
    public static void Rotate(Span<float> row, int heads, int headDim, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin)
    {
        var half = headDim / 2;
        for (var h = 0; h < heads; h++)
        {
            var x = row.Slice(h * headDim, headDim);
            for (var i = 0; i < half; i++)
            {
                var a = x[i];
                var b = x[i + half];
                x[i] = a * cos[i] - b * sin[i];
                x[i + half] = b * cos[i] + a * sin[i];
            }
        }
    }

    /// <summary>
    /// Attention output (all heads, [rows][query width] at <paramref name="outputStride"/>) for query rows at
    /// positions <paramref name="firstPosition"/> + t. Key/value row r of the views is position
    /// firstPosition − (window − 1) + r.
    /// </summary>
    public static void Attend(SpeechTokenizerDecoderConfig c, ReadOnlySpan<float> queries, int queryStride, int rows, long firstPosition,
        ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int kvStride, Span<float> scores, Span<float> output, int outputStride)
    {
        var window = c.SlidingWindow;
        var headDim = c.HeadDim;
        var groups = c.AttentionHeads / c.KeyValueHeads;
        var scaling = 1f / MathF.Sqrt(headDim);
        for (var t = 0; t < rows; t++)
        {
            var position = firstPosition + t;
            var first = Math.Max(0, position - window + 1);
            var count = (int)(position - first + 1);
            var firstRow = (int)(first - firstPosition + window - 1);
            for (var h = 0; h < c.AttentionHeads; h++)
            {
                var q = queries.Slice(t * queryStride + h * headDim, headDim);
                var kvOffset = h / groups * headDim;
                var max = float.NegativeInfinity;
                for (var j = 0; j < count; j++)
                {
                    var score = Dot(q, keys.Slice((firstRow + j) * kvStride + kvOffset, headDim)) * scaling;
                    scores[j] = score;
                    max = MathF.Max(max, score);
                }
                var total = 0f;
                for (var j = 0; j < count; j++)
                {
                    scores[j] = MathF.Exp(scores[j] - max);
                    total += scores[j];
                }
                var o = output.Slice(t * outputStride + h * headDim, headDim);
                o.Clear();
                for (var j = 0; j < count; j++)
                {
                    Accumulate(o, scores[j] / total, values.Slice((firstRow + j) * kvStride + kvOffset, headDim));
                }
            }
        }
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var width = Vector<float>.Count;
        var i = 0;
        var sum = Vector<float>.Zero;
        for (; i + width <= a.Length; i += width)
        {
            sum += new Vector<float>(a.Slice(i, width)) * new Vector<float>(b.Slice(i, width));
        }
        var result = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            result += a[i] * b[i];
        }
        return result;
    }

    private static void Accumulate(Span<float> o, float weight, ReadOnlySpan<float> v)
    {
        var width = Vector<float>.Count;
        var i = 0;
        var w = new Vector<float>(weight);
        for (; i + width <= o.Length; i += width)
        {
            (new Vector<float>(o.Slice(i, width)) + w * new Vector<float>(v.Slice(i, width))).CopyTo(o.Slice(i, width));
        }
        for (; i < o.Length; i++)
        {
            o[i] += weight * v[i];
        }
    }
}
