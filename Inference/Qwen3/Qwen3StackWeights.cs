using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// All weights of a Qwen3 decoder stack (layers + final norm), checked against the config on
/// construction so a wrong file fails at load time with the tensor named, not mid-inference.
/// </summary>
public sealed class Qwen3StackWeights
{
    /// <param name="tensorPrefix">
    /// Prefix of the GGUF tensor names used in error messages, e.g. "code_pred." for the predictor,
    /// giving "code_pred.blk.3.attn_q.weight".
    /// </param>
    public Qwen3StackWeights(Qwen3DecoderConfig config, Qwen3LayerWeights[] layers, float[] outputNorm, string tensorPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(outputNorm);
        if (config.HeadCount % config.KeyValueHeadCount != 0)
        {
            throw new ArgumentException(
                $"head count {config.HeadCount} is not a multiple of the key/value head count {config.KeyValueHeadCount}.", nameof(config));
        }
        if (config.HeadDim % 2 != 0)
        {
            throw new ArgumentException($"head_dim must be even for RoPE, got {config.HeadDim}.", nameof(config));
        }
        if (layers.Length != config.LayerCount)
        {
            throw new ModelFormatException(
                $"config has {config.LayerCount} layers but {layers.Length} were supplied", null, $"{tensorPrefix}blk.*");
        }
        var hidden = config.HiddenSize;
        for (var i = 0; i < layers.Length; i++)
        {
            var layer = layers[i] ?? throw new ModelFormatException("layer is missing", null, $"{tensorPrefix}blk.{i}");
            var name = $"{tensorPrefix}blk.{i}.";
            ExpectVector(name + "attn_norm.weight", layer.AttnNorm, hidden);
            ExpectVector(name + "ffn_norm.weight", layer.FfnNorm, hidden);
            ExpectVector(name + "attn_q_norm.weight", layer.QNorm, config.HeadDim);
            ExpectVector(name + "attn_k_norm.weight", layer.KNorm, config.HeadDim);
            ExpectMatrix(name + "attn_q.weight", layer.Q, config.QueryWidth, hidden);
            ExpectMatrix(name + "attn_k.weight", layer.K, config.KeyValueWidth, hidden);
            ExpectMatrix(name + "attn_v.weight", layer.V, config.KeyValueWidth, hidden);
            ExpectMatrix(name + "attn_output.weight", layer.O, hidden, config.QueryWidth);
            ExpectMatrix(name + "ffn_gate.weight", layer.Gate, config.FeedForwardSize, hidden);
            ExpectMatrix(name + "ffn_up.weight", layer.Up, config.FeedForwardSize, hidden);
            ExpectMatrix(name + "ffn_down.weight", layer.Down, hidden, config.FeedForwardSize);
        }
        ExpectVector(tensorPrefix + "output_norm.weight", outputNorm, hidden);
        Config = config;
        Layers = layers;
        OutputNorm = outputNorm;
    }

    public Qwen3DecoderConfig Config { get; }

    public IReadOnlyList<Qwen3LayerWeights> Layers { get; }

    public float[] OutputNorm { get; }

    /// <summary>Bytes of all matrices as held in memory (what one full pass must stream).</summary>
    public long MatrixBytes()
    {
        long total = 0;
        foreach (var layer in Layers)
        {
            foreach (var (_, m) in layer.Matrices())
            {
                total += m.ByteCount;
            }
        }
        return total;
    }

    /// <summary>Reports shapes in the Linear layout [out x in], which is how the matrices sit in memory.</summary>
    internal static void ExpectMatrix(string tensor, QuantizedMatrix matrix, int rows, int columns)
    {
        if (matrix.Rows != rows || matrix.Columns != columns)
        {
            throw new ModelFormatException(
                $"expected matrix [{rows} x {columns}] (out x in), found [{matrix.Rows} x {matrix.Columns}]", null, tensor);
        }
    }

    internal static void ExpectVector(string tensor, float[] vector, int length)
    {
        if (vector.Length != length)
        {
            throw new ModelFormatException($"expected vector [{length}], found [{vector.Length}]", null, tensor);
        }
    }
}
