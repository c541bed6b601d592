using Qwen3Tts.Inference.Formats.Safetensors;

namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>
/// The `speaker_encoder.*` tensors of a Base checkpoint, checked against the layout the config describes
/// and converted to f32 (the published files are bf16). Every tensor is checked before any is read, so
/// a missing tensor, a wrong shape, a non-float dtype or a stray `speaker_encoder.*` tensor the config
/// does not describe is one clear error naming the file and the tensor.
/// </summary>
public sealed class SpeakerEncoderWeights
{
    private readonly Dictionary<string, float[]> tensors;

    private SpeakerEncoderWeights(SpeakerEncoderConfig config, Dictionary<string, float[]> tensors)
    {
        Config = config;
        this.tensors = tensors;
    }

    public SpeakerEncoderConfig Config { get; }

    /// <summary>Whether the file carries a speaker encoder at all (Base does; CustomVoice and VoiceDesign do not).</summary>
    public static bool IsPresent(SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.TryGetTensor(SpeakerEncoderLayout.MarkerTensor, out _);
    }

    public static SpeakerEncoderWeights Load(string safetensorsPath, SpeakerEncoderConfig config)
    {
        if (!File.Exists(safetensorsPath))
        {
            throw new ModelFormatException("model weights not found (the speaker encoder lives in the Base model's model.safetensors)", safetensorsPath);
        }
        using var file = SafetensorsFile.Open(safetensorsPath);
        return Load(file, config);
    }

    public static SpeakerEncoderWeights Load(SafetensorsFile file, SpeakerEncoderConfig config)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate(file.Path);
        var expected = SpeakerEncoderLayout.Tensors(config).ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, shape) in expected)
        {
            names.Add(name);
            if (!file.TryGetTensor(name, out var info))
            {
                throw new ModelFormatException(
                    $"speaker encoder tensor is missing (expected shape {TensorShape.Format(shape)}; is this a Base checkpoint?)", file.Path, name);
            }
            if (!SafetensorsDTypes.IsFloat(info.DType))
            {
                throw new ModelFormatException($"expected a float tensor (F32, F16, BF16, F64), found {info.DType}", file.Path, name);
            }
            TensorShape.Expect(file.Path, name, shape, info.Shape);
        }
        foreach (var info in file.Tensors)
        {
            if (info.Name.StartsWith(SpeakerEncoderLayout.Prefix, StringComparison.Ordinal) && !names.Contains(info.Name))
            {
                throw new ModelFormatException(
                    $"unexpected speaker encoder tensor {TensorShape.Format(info.Shape)}: config.json's speaker_encoder_config (channels [{string.Join(", ", config.Channels)}], scale {config.Res2NetScale}) does not describe it",
                    file.Path, info.Name);
            }
        }
        var data = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, _) in expected)
        {
            data[name] = file.ReadFloat32(name);
        }
        return new SpeakerEncoderWeights(config, data);
    }

    /// <summary>From tensors already in memory (PyTorch layout), checked the same way; for tests and converters.</summary>
    public static SpeakerEncoderWeights FromTensors(SpeakerEncoderConfig config, IReadOnlyDictionary<string, float[]> source)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(source);
        config.Validate();
        var data = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, shape) in SpeakerEncoderLayout.Tensors(config))
        {
            if (!source.TryGetValue(name, out var values))
            {
                throw new ModelFormatException($"speaker encoder tensor is missing (expected shape {TensorShape.Format(shape)})", tensorName: name);
            }
            if (values.Length != TensorShape.ElementCount(shape))
            {
                throw new ModelFormatException($"expected shape {TensorShape.Format(shape)} ({TensorShape.ElementCount(shape)} values), found {values.Length} values", tensorName: name);
            }
            data[name] = values;
        }
        return new SpeakerEncoderWeights(config, data);
    }

    /// <summary>A tensor in PyTorch layout (conv weights [out, in, kernel], C order).</summary>
    public ReadOnlySpan<float> this[string name] =>
        tensors.TryGetValue(name, out var values) ? values : throw new KeyNotFoundException($"speaker encoder tensor '{name}' is not part of this layout");

    public ReadOnlySpan<float> Weight(ConvShape conv) => this[conv.WeightName];

    public ReadOnlySpan<float> Bias(ConvShape conv) => this[conv.BiasName];

    public long ParameterCount => tensors.Values.Sum(t => (long)t.Length);
}
