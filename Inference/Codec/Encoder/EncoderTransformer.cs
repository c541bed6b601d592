namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>One MimiTransformerLayer's weights (nn.Linear layout [out, in]).</summary>
internal sealed record EncoderTransformerLayer(
    float[] InputNormWeight, float[] InputNormBias,
    float[] Q, float[] K, float[] V, float[] O,
    float[]? QBias, float[]? KBias, float[]? VBias, float[]? OBias,
    float[] AttentionScale,
    float[] PostNormWeight, float[] PostNormBias,
    float[] Fc1, float[] Fc2,
    float[] MlpScale);

/// <summary>
/// MimiTransformerModel over the whole clip at the SEANet rate: pre-norm layers of LayerNorm → causal
/// self-attention with rotary positions 0..T−1 (rotate-half form, default rope) → layer scale → residual, then
/// LayerNorm → fc1 → GELU → fc2 → layer scale → residual. Attention is plainly causal over every earlier frame:
/// the config's sliding window of 250 is honoured only by transformers' flash-attention path, and the official
/// code loads the speech tokenizer with its default attention (see <see cref="MimiEncoderConfig.SlidingWindow"/>).
/// </summary>
internal sealed class EncoderTransformer(MimiEncoderConfig config, IReadOnlyList<EncoderTransformerLayer> layers)
{
    private readonly int _h = config.HiddenSize;
    private readonly int _heads = config.AttentionHeads;
    private readonly int _kvHeads = config.KeyValueHeads;
    private readonly int _hd = config.HeadDim;
    private readonly float _eps = (float)config.NormEps;

    public long MultiplyAddsPerRow => layers.Count * ((long)_h * _hd * (2 * _heads + 2 * _kvHeads) + 2L * _h * config.IntermediateSize);

    /// <summary>Runs every layer over <paramref name="x"/> ([rows][hidden]) in place.</summary>
    public void Forward(float[] x, int rows, int threads)
    {
        if (rows == 0 || layers.Count == 0)
        {
            return;
        }
        var q = _heads * _hd;
        var kv = _kvHeads * _hd;
        var normed = new float[rows * _h];
        var qs = new float[rows * q];
        var ks = new float[rows * kv];
        var vs = new float[rows * kv];
        var attended = new float[rows * q];
        var projected = new float[rows * _h];
        var mlp = new float[rows * config.IntermediateSize];
        var (cos, sin) = RotaryTable(rows);

        foreach (var layer in layers)
        {
            Normalize(x, normed, rows, layer.InputNormWeight, layer.InputNormBias);
            RowProducts.Multiply(normed, 0, rows, _h, _h, layer.Q, q, layer.QBias, qs, 0, threads);
            RowProducts.Multiply(normed, 0, rows, _h, _h, layer.K, kv, layer.KBias, ks, 0, threads);
            RowProducts.Multiply(normed, 0, rows, _h, _h, layer.V, kv, layer.VBias, vs, 0, threads);
            Rotate(qs, rows, _heads, cos, sin);
            Rotate(ks, rows, _kvHeads, cos, sin);
            Attend(qs, ks, vs, attended, rows, threads);
            RowProducts.Multiply(attended, 0, rows, q, q, layer.O, _h, layer.OBias, projected, 0, threads);
            AddScaled(x, projected, layer.AttentionScale, rows);

            Normalize(x, normed, rows, layer.PostNormWeight, layer.PostNormBias);
            RowProducts.Multiply(normed, 0, rows, _h, _h, layer.Fc1, config.IntermediateSize, null, mlp, 0, threads);
            EncoderActivations.Gelu(mlp.AsSpan(0, rows * config.IntermediateSize));
            RowProducts.Multiply(mlp, 0, rows, config.IntermediateSize, config.IntermediateSize, layer.Fc2, _h, null, projected, 0, threads);
            AddScaled(x, projected, layer.MlpScale, rows);
        }
    }

    private void Normalize(float[] x, float[] y, int rows, float[] weight, float[] bias)
    {
        for (var r = 0; r < rows; r++)
        {
            EncoderActivations.LayerNorm(x.AsSpan(r * _h, _h), y.AsSpan(r * _h, _h), weight, bias, _eps);
        }
    }

    private void AddScaled(float[] x, float[] y, float[] scale, int rows)
    {
        for (var r = 0; r < rows; r++)
        {
            var xr = x.AsSpan(r * _h, _h);
            var yr = y.AsSpan(r * _h, _h);
            for (var i = 0; i < _h; i++)
            {
                xr[i] += scale[i] * yr[i];
            }
        }
    }

    /// <summary>
    /// cos/sin per position and frequency as transformers computes them in float32: inv_freq = 1 / θ^(2i/d),
    /// angle = position · inv_freq (a float product), then cos and sin of that float.
    /// </summary>
    private (float[] Cos, float[] Sin) RotaryTable(int rows)
    {
        var half = _hd / 2;
        var cos = new float[rows * half];
        var sin = new float[rows * half];
        var inverse = new float[half];
        for (var i = 0; i < half; i++)
        {
            inverse[i] = 1f / (float)Math.Pow(config.RopeTheta, 2.0 * i / _hd);
        }
        for (var p = 0; p < rows; p++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = p * inverse[i];
                cos[p * half + i] = (float)Math.Cos(angle);
                sin[p * half + i] = (float)Math.Sin(angle);
            }
        }
        return (cos, sin);
    }

    /// <summary>Rotate-half rope: (x1, x2) → (x1·cos − x2·sin, x2·cos + x1·sin) with x1, x2 the halves of each head.</summary>
    private void Rotate(float[] x, int rows, int heads, float[] cos, float[] sin)
    {
        var half = _hd / 2;
        for (var p = 0; p < rows; p++)
        {
            for (var head = 0; head < heads; head++)
            {
                var v = x.AsSpan((p * heads + head) * _hd, _hd);
                for (var i = 0; i < half; i++)
                {
                    float c = cos[p * half + i], s = sin[p * half + i];
                    float x1 = v[i], x2 = v[i + half];
                    v[i] = x1 * c - x2 * s;
                    v[i + half] = x2 * c + x1 * s;
                }
            }
        }
    }

    private void Attend(float[] qs, float[] ks, float[] vs, float[] output, int rows, int threads)
    {
        var scale = 1f / MathF.Sqrt(_hd);
        var groups = _heads / _kvHeads;
        var q = _heads * _hd;
        var kv = _kvHeads * _hd;
        // Row t costs ~t; blocks of 32 rows keep the split even enough across two threads.
        const int block = 32;
        var blocks = (rows + block - 1) / block;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, () => new float[rows], (b, _, scores) =>
        {
            for (var t = b * block; t < Math.Min(rows, (b + 1) * block); t++)
            {
                for (var head = 0; head < _heads; head++)
                {
                    var kvHead = head / groups;
                    var query = qs.AsSpan(t * q + head * _hd, _hd);
                    var max = float.NegativeInfinity;
                    for (var j = 0; j <= t; j++)
                    {
                        var score = System.Numerics.Tensors.TensorPrimitives.Dot(query, ks.AsSpan(j * kv + kvHead * _hd, _hd)) * scale;
                        scores[j] = score;
                        max = MathF.Max(max, score);
                    }
                    var sum = 0f;
                    for (var j = 0; j <= t; j++)
                    {
                        var e = MathF.Exp(scores[j] - max);
                        scores[j] = e;
                        sum += e;
                    }
                    var outRow = output.AsSpan(t * q + head * _hd, _hd);
                    outRow.Clear();
                    var inv = 1f / sum;
                    for (var j = 0; j <= t; j++)
                    {
                        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(vs.AsSpan(j * kv + kvHead * _hd, _hd), scores[j] * inv, outRow, outRow);
                    }
                }
            }
            return scores;
        }, _ => { });
    }
}
