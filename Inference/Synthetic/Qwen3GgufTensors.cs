using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>Writes the tensors of one Qwen3 decoder stack in llama.cpp naming under a prefix ("blk" or "code_pred.blk").</summary>
internal static class Qwen3GgufTensors
{
    public static void AddLayers(GgufWriter gguf, SyntheticWeights weights, string prefix, string outputNormName, Qwen3DecoderConfig c, GgmlType type)
    {
        for (var i = 0; i < c.LayerCount; i++)
        {
            var p = $"{prefix}.{i}";
            AddNorm(gguf, weights, $"{p}.attn_norm.weight", c.HiddenSize);
            AddLinear(gguf, weights, $"{p}.attn_q.weight", c.HiddenSize, c.QueryWidth, type);
            AddLinear(gguf, weights, $"{p}.attn_k.weight", c.HiddenSize, c.KeyValueWidth, type);
            AddLinear(gguf, weights, $"{p}.attn_v.weight", c.HiddenSize, c.KeyValueWidth, type);
            AddLinear(gguf, weights, $"{p}.attn_output.weight", c.QueryWidth, c.HiddenSize, type);
            AddNorm(gguf, weights, $"{p}.attn_q_norm.weight", c.HeadDim);
            AddNorm(gguf, weights, $"{p}.attn_k_norm.weight", c.HeadDim);
            AddNorm(gguf, weights, $"{p}.ffn_norm.weight", c.HiddenSize);
            AddLinear(gguf, weights, $"{p}.ffn_gate.weight", c.HiddenSize, c.FeedForwardSize, type);
            AddLinear(gguf, weights, $"{p}.ffn_up.weight", c.HiddenSize, c.FeedForwardSize, type);
            AddLinear(gguf, weights, $"{p}.ffn_down.weight", c.FeedForwardSize, c.HiddenSize, type);
        }
        AddNorm(gguf, weights, outputNormName, c.HiddenSize);
    }

    /// <summary>A Linear(in -> out) weight: ggml dims [in, out] (PyTorch [out, in]).</summary>
    public static void AddLinear(GgufWriter gguf, SyntheticWeights weights, string name, int inFeatures, int outFeatures, GgmlType type)
        => gguf.AddTensor(name, [inFeatures, outFeatures], type, weights.Rows(name, inFeatures, SyntheticWeights.LinearScale(inFeatures)));

    public static void AddNorm(GgufWriter gguf, SyntheticWeights weights, string name, int length)
        => gguf.AddTensor(name, [length], GgmlType.F32, weights.CreateNorm(name, length));

    /// <summary>The llama.cpp hyper-parameter keys of a Qwen3 stack under an architecture prefix.</summary>
    public static void AddHyperParameters(GgufWriter gguf, string arch, Qwen3DecoderConfig c) => Qwen3GgufLayout.WriteHyperParameters(gguf, arch, c);
}
