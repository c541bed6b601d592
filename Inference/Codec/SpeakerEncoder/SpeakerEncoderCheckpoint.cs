using System.Text.Json;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>
/// Finds the speaker encoder of an official snapshot directory: `config.json` with a
/// `speaker_encoder_config` block and `model.safetensors` with the `speaker_encoder.*` tensors (Base
/// models). CustomVoice and VoiceDesign snapshots, and the seed's layout, have none: that is no error.
/// A Base config whose weights are missing or damaged is one, naming the file and tensor.
/// </summary>
public static class SpeakerEncoderCheckpoint
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";

    /// <summary>The config block, or null when the directory has no config.json or the model no speaker encoder.</summary>
    public static SpeakerEncoderConfig? ReadConfig(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, ConfigFile);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("speaker_encoder_config", out var block)
                || block.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            return SpeakerEncoderConfig.FromJson(block, path);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"not valid JSON: {e.Message}", path, inner: e);
        }
    }

    /// <summary>The extractor of a Base snapshot, or null when the directory's model has no speaker encoder.</summary>
    public static SpeakerEmbeddingExtractor? TryLoad(string modelDirectory, RowParallelism? threads = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        var config = ReadConfig(modelDirectory);
        if (config is null)
        {
            return null;
        }
        var weights = Path.Combine(modelDirectory, WeightsFile);
        if (!File.Exists(weights))
        {
            throw new ModelFormatException($"config.json declares a speaker encoder but {WeightsFile} is missing", weights);
        }
        using var file = SafetensorsFile.Open(weights);
        return new SpeakerEmbeddingExtractor(SpeakerEncoderWeights.Load(file, config), threads);
    }
}
