using System.Text.Json;
using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Inference.Codec;

/// <summary>
/// Turns a reference clip into the speaker vector (the Base model's ECAPA x-vector) that the official prompt
/// inserts as its own row. The seam between voice encoding and the speaker encoder.
/// </summary>
public interface ISpeakerEmbeddingExtractor
{
    /// <summary>The rate the clip must be at (24 kHz for Qwen3-TTS: extract_speaker_embedding asserts it).</summary>
    int SampleRate { get; }

    /// <summary>Values per vector (the talker's hidden size: 1024 for 0.6B, 2048 for 1.7B).</summary>
    int Dimension { get; }

    /// <summary>A short name for voice files and logs.</summary>
    string Name { get; }

    float[] Extract(ReadOnlySpan<float> samples, CancellationToken cancellationToken = default);
}

/// <summary>Finds the speaker encoder of a model set, when it has one.</summary>
public static class SpeakerEmbeddingExtractors
{
    /// <summary>The official checkpoint's root files, which carry <c>speaker_encoder.*</c> and <c>speaker_encoder_config</c> in a Base model.</summary>
    public const string CheckpointWeights = "model.safetensors";
    public const string CheckpointConfig = "config.json";

    /// <summary>
    /// The set's speaker encoder: the ECAPA-TDNN in the root <c>model.safetensors</c> of an official Base snapshot,
    /// configured by <c>config.json</c>'s <c>speaker_encoder_config</c>. Null when the set has none (CustomVoice
    /// and VoiceDesign checkpoints, the seed's layout): voices are then encoded without an x-vector and cloned
    /// from their reference codes alone. A Base file whose speaker tensors or config are broken is an error.
    /// </summary>
    public static ISpeakerEmbeddingExtractor? TryOpen(ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var weights = Path.Combine(store.Options.ModelsDirectory, CheckpointWeights);
        if (!File.Exists(weights))
        {
            return null;
        }
        using var file = SafetensorsFile.Open(weights);
        if (!SpeakerEncoderWeights.IsPresent(file))
        {
            return null;
        }
        var configPath = Path.Combine(store.Options.ModelsDirectory, CheckpointConfig);
        var config = ReadConfig(configPath);
        return new EcapaExtractor(new SpeakerEmbeddingExtractor(SpeakerEncoderWeights.Load(file, config)));
    }

    private static SpeakerEncoderConfig ReadConfig(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelFormatException("the checkpoint has speaker_encoder.* tensors but no config.json to size them", path);
        }
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("speaker_encoder_config", out var section)
                ? SpeakerEncoderConfig.FromJson(section, path)
                : throw new ModelFormatException("config.json has no speaker_encoder_config, but model.safetensors has speaker_encoder.* tensors", path);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"not valid JSON ({e.Message})", path, inner: e);
        }
    }

    private sealed class EcapaExtractor(SpeakerEmbeddingExtractor extractor) : ISpeakerEmbeddingExtractor
    {
        public int SampleRate => extractor.SampleRate;

        public int Dimension => extractor.EmbeddingSize;

        public string Name => "ecapa-tdnn speaker_encoder";

        public float[] Extract(ReadOnlySpan<float> samples, CancellationToken cancellationToken = default) => extractor.Extract(samples, cancellationToken);
    }
}
