using Qwen3Tts.Inference.Formats.Safetensors;

namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>
/// The audio-encoder half of <c>speech_tokenizer/model.safetensors</c>, memory-mapped, with its config: the
/// <c>config.json</c> beside it, or (the seed's layout ships none) the published values with every dimension a
/// tensor shape reveals read off the file. Every tensor the encoder uses is checked for presence and shape on
/// open, and the error lists all that are wrong.
/// </summary>
public sealed class MimiEncoderCheckpoint : IDisposable
{
    public const string ConfigFileName = "config.json";

    private MimiEncoderCheckpoint(SafetensorsFile file, MimiEncoderConfig config, string? configPath)
    {
        File = file;
        Config = config;
        ConfigPath = configPath;
    }

    public SafetensorsFile File { get; }

    public MimiEncoderConfig Config { get; }

    /// <summary>The config.json read, or null when the dimensions were inferred from the tensors.</summary>
    public string? ConfigPath { get; }

    public string Path => File.Path;

    /// <summary>Opens <paramref name="safetensorsPath"/>; <paramref name="configPath"/> defaults to config.json in the same directory.</summary>
    public static MimiEncoderCheckpoint Open(string safetensorsPath, string? configPath = null)
    {
        if (!System.IO.File.Exists(safetensorsPath))
        {
            throw new ModelFormatException("speech tokenizer weights not found", safetensorsPath);
        }
        configPath ??= System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(safetensorsPath))!, ConfigFileName);
        var stated = System.IO.File.Exists(configPath) ? MimiEncoderConfig.Load(configPath) : null;
        var file = SafetensorsFile.Open(safetensorsPath);
        try
        {
            var config = stated ?? Infer(file);
            Check(file, config);
            return new MimiEncoderCheckpoint(file, config, stated is null ? null : configPath);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public float[] Read(string name) => File.ReadFloat32(name);

    public float[]? ReadOptional(string name) => File.TryGetTensor(name, out _) ? File.ReadFloat32(name) : null;

    public void Dispose() => File.Dispose();

    /// <summary>The published config with the widths, depths and codebook counts the tensors show.</summary>
    private static MimiEncoderConfig Infer(SafetensorsFile file)
    {
        long Dim(string tensor, int axis) => file.TryGetTensor(tensor, out var info) && info.Shape.Length > axis
            ? info.Shape[axis]
            : throw new ModelFormatException("missing tensor (is this a Qwen3-TTS speech tokenizer with its Mimi encoder?)", file.Path, tensor);

        int Count(Func<int, string> name)
        {
            var n = 0;
            while (file.TryGetTensor(name(n), out _))
            {
                n++;
            }
            return n;
        }

        var p = MimiEncoderConfig.Published;
        var filters = (int)Dim(MimiEncoderTensors.FirstConv(p).Prefix + ".weight", 0);
        var layers = Count(i => MimiEncoderTensors.Layer(i, "mlp.fc1.weight"));
        var semantic = Count(i => MimiEncoderTensors.Codebook(true, i, "embed_sum"));
        var acoustic = Count(i => MimiEncoderTensors.Codebook(false, i, "embed_sum"));
        var hidden = (int)Dim(MimiEncoderTensors.DownsampleWeight, 0);
        var codebookDim = (int)Dim(MimiEncoderTensors.Codebook(true, 0, "embed_sum"), 1);
        var queryRows = layers > 0 ? (int)Dim(MimiEncoderTensors.Layer(0, "self_attn.q_proj.weight"), 0) : p.AttentionHeads * p.HeadDim;
        var headDim = queryRows % 64 == 0 ? 64 : Math.Max(2, queryRows / 8);
        var config = p with
        {
            Filters = filters,
            HiddenSize = hidden,
            TransformerLayers = layers,
            IntermediateSize = layers > 0 ? (int)Dim(MimiEncoderTensors.Layer(0, "mlp.fc1.weight"), 0) : p.IntermediateSize,
            // Shapes do not tell heads from head width: assume the released head_dim 64 (8 heads when narrower).
            HeadDimOverride = headDim,
            AttentionHeads = layers > 0 ? queryRows / headDim : p.AttentionHeads,
            KeyValueHeads = layers > 0 ? (int)Dim(MimiEncoderTensors.Layer(0, "self_attn.k_proj.weight"), 0) / headDim : p.KeyValueHeads,
            CodebookSize = (int)Dim(MimiEncoderTensors.Codebook(true, 0, "embed_sum"), 0),
            CodebookDim = codebookDim,
            VectorQuantizationHiddenDimension = codebookDim,
            SemanticQuantizers = semantic,
            Quantizers = semantic + acoustic,
            ValidQuantizers = Math.Min(p.ValidQuantizers, semantic + acoustic),
        };
        if (acoustic == 0 || semantic + acoustic < p.ValidQuantizers)
        {
            throw new ModelFormatException(
                $"the speech tokenizer has {semantic} semantic + {acoustic} acoustic codebooks; Qwen3-TTS needs {p.ValidQuantizers} in all", file.Path);
        }
        config.Validate(file.Path);
        return config;
    }

    private static void Check(SafetensorsFile file, MimiEncoderConfig config)
    {
        var problems = new List<string>();
        var firstBad = default(string);
        foreach (var (name, shape) in MimiEncoderTensors.All(config))
        {
            string? problem = null;
            if (!file.TryGetTensor(name, out var info))
            {
                problem = $"'{name}' is missing";
            }
            else if (!info.Shape.SequenceEqual(shape))
            {
                problem = $"'{name}': expected shape {TensorShape.Format(shape)}, found {TensorShape.Format(info.Shape)}";
            }
            else if (!SafetensorsDTypes.IsFloat(info.DType))
            {
                problem = $"'{name}': expected a float tensor, found {info.DType}";
            }
            if (problem is not null)
            {
                firstBad ??= name;
                problems.Add(problem);
            }
        }
        if (problems.Count > 0)
        {
            var shown = string.Join("; ", problems.Take(8)) + (problems.Count > 8 ? $"; and {problems.Count - 8} more" : "");
            throw new ModelFormatException($"the Mimi encoder tensors do not match the config: {shown}", file.Path, problems.Count == 1 ? firstBad : null);
        }
    }
}
