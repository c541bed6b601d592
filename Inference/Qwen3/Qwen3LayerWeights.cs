namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// One Qwen3 decoder layer. Matrices use the Linear layout [out x in]; norms are f32 vectors.
/// Shapes are checked against the config by <see cref="Qwen3StackWeights"/>.
/// </summary>
public sealed class Qwen3LayerWeights(
    float[] attnNorm,
    QuantizedMatrix q,
    QuantizedMatrix k,
    QuantizedMatrix v,
    QuantizedMatrix o,
    float[] qNorm,
    float[] kNorm,
    float[] ffnNorm,
    QuantizedMatrix gate,
    QuantizedMatrix up,
    QuantizedMatrix down)
{
    /// <summary>[hidden]</summary>
    public float[] AttnNorm { get; } = attnNorm ?? throw new ArgumentNullException(nameof(attnNorm));

    /// <summary>[heads*head_dim x hidden]</summary>
    public QuantizedMatrix Q { get; } = q ?? throw new ArgumentNullException(nameof(q));

    /// <summary>[kv_heads*head_dim x hidden]</summary>
    public QuantizedMatrix K { get; } = k ?? throw new ArgumentNullException(nameof(k));

    /// <summary>[kv_heads*head_dim x hidden]</summary>
    public QuantizedMatrix V { get; } = v ?? throw new ArgumentNullException(nameof(v));

    /// <summary>[hidden x heads*head_dim]</summary>
    public QuantizedMatrix O { get; } = o ?? throw new ArgumentNullException(nameof(o));

    /// <summary>[head_dim], shared by all query heads.</summary>
    public float[] QNorm { get; } = qNorm ?? throw new ArgumentNullException(nameof(qNorm));

    /// <summary>[head_dim], shared by all key heads.</summary>
    public float[] KNorm { get; } = kNorm ?? throw new ArgumentNullException(nameof(kNorm));

    /// <summary>[hidden]</summary>
    public float[] FfnNorm { get; } = ffnNorm ?? throw new ArgumentNullException(nameof(ffnNorm));

    /// <summary>[ffn x hidden]</summary>
    public QuantizedMatrix Gate { get; } = gate ?? throw new ArgumentNullException(nameof(gate));

    /// <summary>[ffn x hidden]</summary>
    public QuantizedMatrix Up { get; } = up ?? throw new ArgumentNullException(nameof(up));

    /// <summary>[hidden x ffn]</summary>
    public QuantizedMatrix Down { get; } = down ?? throw new ArgumentNullException(nameof(down));

    /// <summary>Every matrix with its GGUF tensor suffix (llama.cpp naming).</summary>
    public IEnumerable<(string Suffix, QuantizedMatrix Matrix)> Matrices()
    {
        yield return ("attn_q", Q);
        yield return ("attn_k", K);
        yield return ("attn_v", V);
        yield return ("attn_output", O);
        yield return ("ffn_gate", Gate);
        yield return ("ffn_up", Up);
        yield return ("ffn_down", Down);
    }
}
