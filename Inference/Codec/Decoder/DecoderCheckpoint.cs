using Qwen3Tts.Inference.Formats.Safetensors;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// The decoder half of <c>speech_tokenizer/model.safetensors</c>, memory-mapped, with its config: from the
/// <c>config.json</c> beside it, or (the seed's layout ships none) the published values with every dimension
/// a tensor shape reveals read off the file. Every expected tensor is checked for presence and shape on open;
/// the error lists all that are wrong, with the file and the tensor names.
/// </summary>
public sealed class DecoderCheckpoint : IDisposable
{
    private DecoderCheckpoint(SafetensorsFile file, SpeechTokenizerDecoderConfig config, string? configPath)
    {
        File = file;
        Config = config;
        ConfigPath = configPath;
    }

    public SafetensorsFile File { get; }

    public SpeechTokenizerDecoderConfig Config { get; }

    /// <summary>The config.json read, or null when the dimensions were inferred from the tensors.</summary>
    public string? ConfigPath { get; }

    public string Path => File.Path;

    /// <summary>Opens <paramref name="safetensorsPath"/>; <paramref name="configPath"/> defaults to config.json in the same directory.</summary>
    public static DecoderCheckpoint Open(string safetensorsPath, string? configPath = null)
    {
        if (!System.IO.File.Exists(safetensorsPath))
        {
            throw new ModelFormatException("speech tokenizer weights not found", safetensorsPath);
        }
        configPath ??= System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(safetensorsPath))!, SpeechTokenizerConfigWriter.ConfigFileName);
        var config = System.IO.File.Exists(configPath) ? SpeechTokenizerConfig.Load(configPath).Decoder : null;
        var file = SafetensorsFile.Open(safetensorsPath);
        try
        {
            config ??= InferConfig(file);
            Check(file, config, System.IO.File.Exists(configPath) ? configPath : null);
            return new DecoderCheckpoint(file, config, System.IO.File.Exists(configPath) ? configPath : null);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A float tensor as f32 (F32 files are copied; F16/BF16 widened).</summary>
    public float[] Read(string name) => File.ReadFloat32(name);

    /// <summary>A codebook as the decoder uses it: embedding_sum / clamp(cluster_usage, 1e-5), [codebook_size, row_dim].</summary>
    public float[] ReadCodebook(int book)
    {
        var sum = Read(DecoderTensorNames.Codebook(book, "embedding_sum"));
        var usage = Read(DecoderTensorNames.Codebook(book, "cluster_usage"));
        var width = Config.CodebookRowDim;
        for (var row = 0; row < usage.Length; row++)
        {
            var divisor = MathF.Max(usage[row], 1e-5f);
            var r = sum.AsSpan(row * width, width);
            for (var i = 0; i < r.Length; i++)
            {
                r[i] /= divisor;
            }
        }
        return sum;
    }

    private static void Check(SafetensorsFile file, SpeechTokenizerDecoderConfig config, string? configPath)
    {
        var problems = new List<string>();
        foreach (var (name, shape) in DecoderTensorNames.All(config))
        {
            if (!file.TryGetTensor(name, out var info))
            {
                problems.Add($"missing tensor '{name}' {TensorShape.Format(shape)}");
            }
            else if (!info.Shape.AsSpan().SequenceEqual(shape))
            {
                problems.Add($"tensor '{name}': expected shape {TensorShape.Format(shape)}, found {TensorShape.Format(info.Shape)}");
            }
            else if (!SafetensorsDTypes.IsFloat(info.DType))
            {
                problems.Add($"tensor '{name}': expected a float tensor, found {info.DType}");
            }
        }
        if (problems.Count == 0)
        {
            return;
        }
        var source = configPath is null ? "the published decoder dimensions (no config.json beside it)" : configPath;
        var shown = string.Join("; ", problems.Take(5)) + (problems.Count > 5 ? $"; and {problems.Count - 5} more" : "");
        throw new ModelFormatException(
            $"not the speech tokenizer decoder described by {source}: {problems.Count} problem(s): {shown}", file.Path);
    }

    /// <summary>Published values, overridden by every dimension the tensor shapes give away.</summary>
    private static SpeechTokenizerDecoderConfig InferConfig(SafetensorsFile file)
    {
        var published = SpeechTokenizerDecoderConfig.Published;
        long? Dim(string name, int axis) => file.TryGetTensor(name, out var info) && info.Shape.Length > axis ? info.Shape[axis] : null;
        int Count(Func<int, string> name)
        {
            var n = 0;
            while (file.TryGetTensor(name(n), out _))
            {
                n++;
            }
            return n;
        }
        var hidden = (int)(Dim($"{DecoderTensorNames.TransformerInput}.weight", 0) ?? published.HiddenSize);
        var queryWidth = Dim($"{DecoderTensorNames.Layer(0)}.self_attn.q_proj.weight", 0);
        var kvWidth = Dim($"{DecoderTensorNames.Layer(0)}.self_attn.k_proj.weight", 0);
        var headDim = published.HeadDim;
        var rates = new List<int>();
        while (Dim($"{DecoderTensorNames.Block(rates.Count)}.1.conv.weight", 2) is { } kernel)
        {
            rates.Add((int)kernel / 2);
        }
        var ratios = new List<int>();
        while (Dim($"{DecoderTensorNames.UpsampleConv(ratios.Count)}.weight", 2) is { } kernel)
        {
            ratios.Add((int)kernel);
        }
        return published with
        {
            CodebookDim = (int)(Dim(DecoderTensorNames.QuantizerProjection(true, "output"), 0) ?? published.CodebookDim),
            CodebookSize = (int)(Dim(DecoderTensorNames.Codebook(0, "embedding_sum"), 0) ?? published.CodebookSize),
            LatentDim = (int)(Dim($"{DecoderTensorNames.PreConv}.weight", 0) ?? published.LatentDim),
            HiddenSize = hidden,
            AttentionHeads = queryWidth is { } q && q % headDim == 0 ? (int)(q / headDim) : published.AttentionHeads,
            KeyValueHeads = kvWidth is { } k && k % headDim == 0 ? (int)(k / headDim) : published.KeyValueHeads,
            HiddenLayers = Count(layer => $"{DecoderTensorNames.Layer(layer)}.mlp.gate_proj.weight"),
            IntermediateSize = (int)(Dim($"{DecoderTensorNames.Layer(0)}.mlp.gate_proj.weight", 0) ?? published.IntermediateSize),
            Quantizers = 1 + Count(book => DecoderTensorNames.Codebook(book + 1, "embedding_sum")),
            AttentionBias = file.TryGetTensor($"{DecoderTensorNames.Layer(0)}.self_attn.q_proj.bias", out _),
            DecoderDim = (int)(Dim($"{DecoderTensorNames.DecoderModule(0)}.conv.weight", 0) ?? published.DecoderDim),
            UpsampleRates = rates.Count > 0 ? rates : published.UpsampleRates,
            UpsamplingRatios = ratios.Count > 0 ? ratios : published.UpsamplingRatios,
        };
    }

    public void Dispose() => File.Dispose();
}
