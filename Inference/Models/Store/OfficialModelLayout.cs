using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Models.Store;

/// <summary>
/// The files of an official Hugging Face snapshot (e.g. <c>Qwen/Qwen3-TTS-12Hz-0.6B-Base</c>), per role.
/// The talker and the predictor both read config.json and model.safetensors; the speech tokenizer lives in
/// <c>speech_tokenizer/</c>, which every model repo carries (and <c>Qwen/Qwen3-TTS-Tokenizer-12Hz</c> holds alone).
/// </summary>
public static class OfficialModelLayout
{
    public const string Config = "config.json";
    public const string GenerationConfig = "generation_config.json";
    public const string Weights = "model.safetensors";
    public const string Vocab = "vocab.json";
    public const string Merges = "merges.txt";
    public const string TokenizerConfig = "tokenizer_config.json";
    public const string SpeechTokenizerWeights = "speech_tokenizer/model.safetensors";
    public const string SpeechTokenizerConfig = "speech_tokenizer/config.json";
    public const string SpeechTokenizerPreprocessor = "speech_tokenizer/preprocessor_config.json";

    public const string SpeechTokenizerRepository = "Qwen/Qwen3-TTS-Tokenizer-12Hz";

    /// <summary>
    /// A directory is an official snapshot when its root config.json describes a talker. A seed tree has no
    /// config.json, though one may carry a speaker encoder's (config.json with only <c>speaker_encoder_config</c>
    /// beside its model.safetensors); that stays a seed tree. Without a seed <c>talker/</c> directory any
    /// root config.json counts, so a broken snapshot gets the official loader's error, not "talker GGUF missing".
    /// </summary>
    public static bool IsOfficial(string modelsDirectory)
    {
        var config = Path.Combine(modelsDirectory, Config);
        if (!File.Exists(config))
        {
            return false;
        }
        if (!Directory.Exists(Path.Combine(modelsDirectory, "talker")))
        {
            return true;
        }
        try
        {
            using var stream = File.OpenRead(config);
            using var json = System.Text.Json.JsonDocument.Parse(stream);
            return json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && json.RootElement.TryGetProperty("talker_config", out _);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>The vocoder's files (<c>speech_tokenizer/</c>, or <c>vocoder/</c> for ONNX) are where the seed layout has them.</summary>
    public static IReadOnlyList<ModelFileSlot> SlotsFor(ModelRole role, VocoderEngine vocoder = VocoderEngine.Native) => role switch
    {
        ModelRole.Talker => TalkerSlots,
        ModelRole.Predictor => PredictorSlots,
        ModelRole.Vocoder => ModelLayout.SlotsFor(role, PredictorQuant.Q8_0, vocoder),
        ModelRole.SpeechTokenizer => SpeechTokenizerSlots,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown model role"),
    };

    private static ModelFileSlot File1(string name, bool required = true, string? whenMissing = null) => new(name, required, [name], whenMissing);

    private static readonly IReadOnlyList<ModelFileSlot> TalkerSlots =
    [
        File1(Config),
        File1(GenerationConfig, required: false, whenMissing: "the released sampling defaults are used"),
        File1(Weights),
        File1(Vocab),
        File1(Merges),
        File1(TokenizerConfig),
        // A snapshot without its codec cannot speak; it is part of every official model repo.
        File1(SpeechTokenizerWeights),
    ];

    private static readonly IReadOnlyList<ModelFileSlot> PredictorSlots =
    [
        File1(Config),
        File1(GenerationConfig, required: false, whenMissing: "the released sampling defaults are used"),
        File1(Weights),
    ];

    private static readonly IReadOnlyList<ModelFileSlot> SpeechTokenizerSlots =
    [
        new(ModelLayout.SpeechTokenizerWeights, true, [SpeechTokenizerWeights]),
        File1(SpeechTokenizerConfig, required: false, whenMissing: "the released codec configuration is assumed"),
        File1(SpeechTokenizerPreprocessor, required: false, whenMissing: "24 kHz mono input is assumed"),
    ];

    /// <summary>The fix line of a "files missing" error for an official snapshot.</summary>
    public static string Fix(string modelsDirectory, IReadOnlyList<ModelFileStatus> missing)
    {
        var onlyCodec = missing.All(m => m.CandidatePaths.All(p => p.Replace('\\', '/').Contains("/speech_tokenizer/", StringComparison.Ordinal)));
        return onlyCodec
            ? $"Fix: the snapshot lacks its speech tokenizer; fetch it with `qwen3-tts models pull --repo {SpeechTokenizerRepository} --models {modelsDirectory}` (it lands in speech_tokenizer/)."
            : $"Fix: download the whole snapshot with `qwen3-tts models pull --repo Qwen/Qwen3-TTS-12Hz-0.6B-Base --models {modelsDirectory}` (or another repo from `qwen3-tts models list --available`).";
    }
}
