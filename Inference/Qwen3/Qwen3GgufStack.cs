using System.Buffers;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// Reads a Qwen3 layer stack (`{prefix}.{i}.*` in llama.cpp naming) from a GGUF into the managed
/// engine's weights. f32, f16, bf16, Q8_0 and Q4_0 matrices keep their encoding (packed for the
/// kernels, no f32 copy); other quantizations are re-quantized to Q8_0.
/// </summary>
public static class Qwen3GgufStack
{
    public static Qwen3StackWeights Load(GgufFile gguf, string prefix, string outputNorm, Qwen3DecoderConfig config)
    {
        Qwen3GgufLayout.ValidateStack(gguf, prefix, outputNorm, config);
        var layers = new Qwen3LayerWeights[config.LayerCount];
        for (var i = 0; i < layers.Length; i++)
        {
            var p = $"{prefix}.{i}";
            layers[i] = new Qwen3LayerWeights(
                gguf.ReadFloat32($"{p}.attn_norm.weight"),
                Matrix(gguf, $"{p}.attn_q.weight"),
                Matrix(gguf, $"{p}.attn_k.weight"),
                Matrix(gguf, $"{p}.attn_v.weight"),
                Matrix(gguf, $"{p}.attn_output.weight"),
                gguf.ReadFloat32($"{p}.attn_q_norm.weight"),
                gguf.ReadFloat32($"{p}.attn_k_norm.weight"),
                gguf.ReadFloat32($"{p}.ffn_norm.weight"),
                Matrix(gguf, $"{p}.ffn_gate.weight"),
                Matrix(gguf, $"{p}.ffn_up.weight"),
                Matrix(gguf, $"{p}.ffn_down.weight"));
        }
        return new Qwen3StackWeights(config, layers, gguf.ReadFloat32(outputNorm), prefix);
    }

    public static QuantizedMatrix Matrix(GgufFile gguf, string name)
    {
        var t = gguf.GetTensor(name);
        if (t.Dimensions.Length != 2)
        {
            throw new ModelFormatException($"expected a matrix, found shape {TensorShape.Format(t.Dimensions)}", gguf.Path, name);
        }
        int cols = checked((int)t.Dimensions[0]), rows = checked((int)t.Dimensions[1]);
        // Formats with a kernel keep their bytes; other quantizations are re-quantized to Q8_0.
        if (!WeightFormats.TryFromGgml(t.Type, out var format) || (WeightFormats.IsBlock(format) && cols % Q8Blocks.BlockSize != 0))
        {
            return QuantizedMatrix.QuantizeToQ8_0(gguf.ReadFloat32(name), rows, cols);
        }
        if (t.ByteSize > Array.MaxLength)
        {
            throw new ModelFormatException($"is {t.ByteSize} bytes; tensors over 2 GB cannot be read in one piece", gguf.Path, name);
        }
        // Read, not mapped: the packed copy is what stays, so the file's pages need not be resident beside it.
        var bytes = ArrayPool<byte>.Shared.Rent(checked((int)t.ByteSize));
        try
        {
            var view = bytes.AsSpan(0, (int)t.ByteSize);
            gguf.ReadTensorBytes(t, view);
            return QuantizedMatrix.FromGgml(format, view, rows, cols);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
