using Qwen3Tts.Inference.Formats.Gguf;

namespace Qwen3Tts.Inference.Models;

/// <summary>
/// Reads a Qwen3 stack's hyper-parameters from GGUF metadata (llama.cpp keys) and checks every
/// layer tensor against them, so a wrong head count or width is reported by name before llama.cpp
/// or our engines ever see the file.
/// </summary>
public static class Qwen3GgufLayout
{
    /// <summary>Layer tensor suffixes with their ggml dims as a function of the config.</summary>
    private static readonly (string Suffix, Func<Qwen3DecoderConfig, long[]> Dims, string Why)[] LayerTensors =
    [
        ("attn_norm.weight", c => [c.HiddenSize], "embedding_length"),
        ("attn_q.weight", c => [c.HiddenSize, c.QueryWidth], "embedding_length x (attention.head_count * attention.key_length)"),
        ("attn_k.weight", c => [c.HiddenSize, c.KeyValueWidth], "embedding_length x (attention.head_count_kv * attention.key_length)"),
        ("attn_v.weight", c => [c.HiddenSize, c.KeyValueWidth], "embedding_length x (attention.head_count_kv * attention.key_length)"),
        ("attn_output.weight", c => [c.QueryWidth, c.HiddenSize], "(attention.head_count * attention.key_length) x embedding_length"),
        ("attn_q_norm.weight", c => [c.HeadDim], "attention.key_length"),
        ("attn_k_norm.weight", c => [c.HeadDim], "attention.key_length"),
        ("ffn_norm.weight", c => [c.HiddenSize], "embedding_length"),
        ("ffn_gate.weight", c => [c.HiddenSize, c.FeedForwardSize], "embedding_length x feed_forward_length"),
        ("ffn_up.weight", c => [c.HiddenSize, c.FeedForwardSize], "embedding_length x feed_forward_length"),
        ("ffn_down.weight", c => [c.FeedForwardSize, c.HiddenSize], "feed_forward_length x embedding_length"),
    ];

    public static IEnumerable<string> LayerSuffixes => LayerTensors.Select(t => t.Suffix);

    /// <summary>Writes the llama.cpp hyper-parameter keys of a Qwen3 stack under an architecture prefix (the inverse of <see cref="ReadConfig"/>).</summary>
    public static void WriteHyperParameters(GgufWriter gguf, string arch, Qwen3DecoderConfig c)
    {
        gguf.AddUInt32($"{arch}.block_count", (uint)c.LayerCount);
        gguf.AddUInt32($"{arch}.context_length", (uint)c.ContextLength);
        gguf.AddUInt32($"{arch}.embedding_length", (uint)c.HiddenSize);
        gguf.AddUInt32($"{arch}.feed_forward_length", (uint)c.FeedForwardSize);
        gguf.AddUInt32($"{arch}.attention.head_count", (uint)c.HeadCount);
        gguf.AddUInt32($"{arch}.attention.head_count_kv", (uint)c.KeyValueHeadCount);
        gguf.AddUInt32($"{arch}.attention.key_length", (uint)c.HeadDim);
        gguf.AddUInt32($"{arch}.attention.value_length", (uint)c.HeadDim);
        gguf.AddFloat32($"{arch}.attention.layer_norm_rms_epsilon", c.RmsNormEpsilon);
        gguf.AddFloat32($"{arch}.rope.freq_base", c.RopeTheta);
    }

    /// <summary>Reads the config under <paramref name="arch"/>; the layer count may come from another key.</summary>
    public static Qwen3DecoderConfig ReadConfig(GgufFile gguf, string arch, string? layerCountKey = null, uint fallbackContext = 4096)
    {
        var m = gguf.Metadata;
        var hidden = (int)m.GetUInt32($"{arch}.embedding_length");
        var heads = (int)m.GetUInt32($"{arch}.attention.head_count");
        var headDim = m.TryGetUInt32($"{arch}.attention.key_length", out var kl) ? (int)kl : hidden / Math.Max(heads, 1);
        var layers = layerCountKey is not null && m.TryGetUInt32(layerCountKey, out var lc) ? (int)lc : (int)m.GetUInt32($"{arch}.block_count");
        var context = m.TryGetUInt32($"{arch}.context_length", out var ctx) ? ctx : fallbackContext;
        var eps = m.TryGetFloat32($"{arch}.attention.layer_norm_rms_epsilon", out var e) ? e : 1e-6f;
        var theta = m.TryGetFloat32($"{arch}.rope.freq_base", out var t) ? t : 1_000_000f;
        var config = new Qwen3DecoderConfig(layers, hidden, heads, (int)m.GetUInt32($"{arch}.attention.head_count_kv"), headDim,
            (int)m.GetUInt32($"{arch}.feed_forward_length"), eps, theta, (int)context);
        if (config.HeadCount <= 0 || config.KeyValueHeadCount <= 0 || config.HeadCount % config.KeyValueHeadCount != 0)
        {
            throw new ModelFormatException(
                $"attention.head_count={config.HeadCount} must be a positive multiple of attention.head_count_kv={config.KeyValueHeadCount}", gguf.Path);
        }
        return config;
    }

    /// <summary>Checks every layer tensor `{prefix}.{i}.*` and the output norm against the config.</summary>
    public static void ValidateStack(GgufFile gguf, string prefix, string outputNorm, Qwen3DecoderConfig config)
    {
        for (var i = 0; i < config.LayerCount; i++)
        {
            foreach (var (suffix, dims, why) in LayerTensors)
            {
                Expect(gguf, $"{prefix}.{i}.{suffix}", dims(config), why, config);
            }
        }
        Expect(gguf, outputNorm, [config.HiddenSize], "embedding_length", config);
        if (gguf.TryGetTensor($"{prefix}.{config.LayerCount}.attn_q.weight", out _))
        {
            throw new ModelFormatException($"the file has more layers than its layer count {config.LayerCount} says", gguf.Path, $"{prefix}.{config.LayerCount}.attn_q.weight");
        }
    }

    private static void Expect(GgufFile gguf, string name, long[] expected, string why, Qwen3DecoderConfig c)
    {
        var info = gguf.GetTensor(name);
        if (!info.Dimensions.AsSpan().SequenceEqual(expected))
        {
            throw new ModelFormatException(
                $"expected shape {TensorShape.Format(expected)} (ggml order; {why} from the metadata: hidden {c.HiddenSize}, " +
                $"{c.HeadCount} heads / {c.KeyValueHeadCount} kv heads of {c.HeadDim}, ffn {c.FeedForwardSize}), found {TensorShape.Format(info.Dimensions)}",
                gguf.Path, name);
        }
    }
}
