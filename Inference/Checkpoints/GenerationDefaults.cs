using System.Text.Json;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// The sampling defaults of a checkpoint (<c>generation_config.json</c>), read the way the official wrapper
/// merges them: a key present in the file wins, a missing key takes the wrapper's hard default
/// (do_sample, T 0.9, top-k 50, top-p 1, penalty 1.05, the same for the sub-talker, max_new_tokens 2048).
/// </summary>
public sealed record GenerationDefaults(SamplingOptions Talker, SamplingOptions Predictor, int MaxNewTokens)
{
    /// <summary>What the released checkpoints ship: the official sampling values and max_new_tokens 8192.</summary>
    public static GenerationDefaults Published { get; } = new(SamplingPresets.Official, SamplingPresets.OfficialPredictor, 8192);

    /// <summary>The most frames an utterance gets by default: the last sampled token gets no predictor pass, so max_new_tokens − 1.</summary>
    public int DefaultMaxFrames => Math.Max(1, MaxNewTokens - 1);

    public static GenerationDefaults Read(string path)
    {
        using var document = JsonFiles.Parse(path, "generation_config.json");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFormatException("generation_config.json is not a JSON object", path);
        }
        var talker = new SamplingOptions(
            Float(root, "temperature", 0.9f, path), Int(root, "top_k", 50, path), Float(root, "top_p", 1f, path),
            Float(root, "repetition_penalty", 1.05f, path), RepetitionWindow: 0, MinNewTokens: 2, DoSample: Bool(root, "do_sample", true, path));
        var predictor = new SamplingOptions(
            Float(root, "subtalker_temperature", 0.9f, path), Int(root, "subtalker_top_k", 50, path), Float(root, "subtalker_top_p", 1f, path),
            RepetitionPenalty: 1f, RepetitionWindow: 0, MinNewTokens: 0, DoSample: Bool(root, "subtalker_dosample", true, path));
        var max = Int(root, "max_new_tokens", 2048, path);
        try
        {
            talker.Validate();
            predictor.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ModelFormatException($"generation_config.json: {e.Message}", path, inner: e);
        }
        if (max < 2)
        {
            throw JsonFiles.KeyError(path, "max_new_tokens", $"must be at least 2, found {max}");
        }
        return new GenerationDefaults(talker, predictor, max);
    }

    private static float Float(JsonElement root, string key, float fallback, string path) =>
        !root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null ? fallback
        : v.ValueKind == JsonValueKind.Number ? v.GetSingle() : throw JsonFiles.KeyError(path, key, "expected a number");

    private static int Int(JsonElement root, string key, int fallback, string path) =>
        !root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null ? fallback
        : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw JsonFiles.KeyError(path, key, "expected an integer");

    private static bool Bool(JsonElement root, string key, bool fallback, string path) =>
        !root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null ? fallback
        : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw JsonFiles.KeyError(path, key, "expected true or false");
}
