using Qwen3Tts.Inference.Onnx;

namespace Qwen3Tts.Inference.Vocoder;

/// <summary>
/// The 12.5 Hz pre-transformer: input_proj, pre-norm layers of sliding-window causal attention with RoPE
/// and SwiGLU, each branch layer-scaled, then a final RMSNorm and output_proj. The window length is static,
/// so the causal sliding-window mask and the RoPE tables are constants.
/// </summary>
internal sealed partial class SyntheticVocoderGraph
{
    private string Transformer(string x)
    {
        var hidden = _cfg.HiddenSize;
        var h = Linear("pre_transformer.input_proj", x, _cfg.LatentDim, hidden);
        var mask = SlidingWindowMask();
        var (cos, sin, rotateHalf) = RopeTables();
        for (var layer = 0; layer < _cfg.LayerCount; layer++)
        {
            var name = $"pre_transformer.layers.{layer}";
            var attention = Attention($"{name}.self_attn", RmsNorm($"{name}.input_layernorm", h), mask, cos, sin, rotateHalf);
            h = _g.Add(h, _g.Mul(attention, Filled($"{name}.self_attn_layer_scale", hidden, _cfg.LayerScale)));
            var mlp = SwiGlu($"{name}.mlp", RmsNorm($"{name}.post_attention_layernorm", h));
            h = _g.Add(h, _g.Mul(mlp, Filled($"{name}.mlp_layer_scale", hidden, _cfg.LayerScale)));
        }
        h = RmsNorm("pre_transformer.norm", h);
        return Linear("pre_transformer.output_proj", h, hidden, _cfg.LatentDim);
    }

    private string Attention(string name, string x, string mask, string cos, string sin, string rotateHalf)
    {
        var heads = _cfg.HeadCount;
        var headDim = _cfg.HeadDim;
        var width = heads * headDim;
        string Heads(string projection) =>
            _g.Transpose(_g.Reshape(Linear(projection, x, _cfg.HiddenSize, width, bias: false), 1, _frames, heads, headDim), 0, 2, 1, 3);
        string Rope(string t) => _g.Add(_g.Mul(t, cos), _g.Mul(_g.MatMul(t, rotateHalf), sin));

        var q = Rope(Heads($"{name}.q_proj"));                                  // [1, H, T, d]
        var k = _g.Transpose(Rope(Heads($"{name}.k_proj")), 0, 1, 3, 2);       // [1, H, d, T]
        var v = Heads($"{name}.v_proj");
        var scores = _g.Add(_g.Mul(_g.MatMul(q, k), _g.ScalarFloat(1f / MathF.Sqrt(headDim))), mask);
        var context = _g.MatMul(_g.Softmax(scores, -1), v);                     // [1, H, T, d]
        context = _g.Reshape(_g.Transpose(context, 0, 2, 1, 3), 1, _frames, width);
        return Linear($"{name}.o_proj", context, width, _cfg.HiddenSize, bias: false);
    }

    private string SwiGlu(string name, string x)
    {
        var gate = Linear($"{name}.gate_proj", x, _cfg.HiddenSize, _cfg.FeedForwardSize, bias: false);
        var up = Linear($"{name}.up_proj", x, _cfg.HiddenSize, _cfg.FeedForwardSize, bias: false);
        var activated = _g.Mul(_g.Mul(gate, _g.Sigmoid(gate)), up);
        return Linear($"{name}.down_proj", activated, _cfg.FeedForwardSize, _cfg.HiddenSize, bias: false);
    }

    private string RmsNorm(string name, string x)
    {
        var meanSquare = _g.ReduceMean(_g.Mul(x, x), [-1]);
        var rms = _g.Sqrt(_g.Add(meanSquare, _g.ScalarFloat(_cfg.RmsNormEpsilon)));
        return _g.Mul(_g.Div(x, rms), Ones($"{name}.weight", _cfg.HiddenSize));
    }

    /// <summary>Query i may attend key j when 0 ≤ i − j &lt; sliding_window (the window includes the current frame).</summary>
    private string SlidingWindowMask()
    {
        var mask = new float[_frames * _frames];
        for (var i = 0; i < _frames; i++)
        {
            for (var j = 0; j < _frames; j++)
            {
                var distance = i - j;
                // A large finite value rather than -inf: exp underflows to exactly 0 either way, and a
                // finite value cannot turn a fully masked row into NaN.
                mask[i * _frames + j] = distance >= 0 && distance < _cfg.SlidingWindow ? 0f : -1e9f;
            }
        }
        return _g.Initializer("pre_transformer.sliding_window_mask", mask, _frames, _frames);
    }

    /// <summary>
    /// RoPE as x·cos + rotate_half(x)·sin, with rotate_half(x) = concat(−x[d/2:], x[:d/2]) written as a
    /// constant signed permutation matrix so it costs one small MatMul instead of slices and a concat.
    /// Positions start at 0 in every window; attention only sees relative positions, so that is exact.
    /// </summary>
    private (string Cos, string Sin, string RotateHalf) RopeTables()
    {
        var d = _cfg.HeadDim;
        var half = d / 2;
        var cos = new float[_frames * d];
        var sin = new float[_frames * d];
        for (var t = 0; t < _frames; t++)
        {
            for (var j = 0; j < d; j++)
            {
                var inverseFrequency = Math.Pow(_cfg.RopeTheta, -2.0 * (j % half) / d);
                var angle = t * inverseFrequency;
                cos[t * d + j] = (float)Math.Cos(angle);
                sin[t * d + j] = (float)Math.Sin(angle);
            }
        }
        var rotate = new float[d * d];
        for (var j = 0; j < half; j++)
        {
            rotate[(j + half) * d + j] = -1f;
            rotate[j * d + j + half] = 1f;
        }
        return (
            _g.Initializer("pre_transformer.rope_cos", cos, _frames, d),
            _g.Initializer("pre_transformer.rope_sin", sin, _frames, d),
            _g.Initializer("pre_transformer.rope_rotate_half", rotate, d, d));
    }
}
