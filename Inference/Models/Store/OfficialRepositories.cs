namespace Qwen3Tts.Inference.Models.Store;

/// <summary>A published Qwen3-TTS repository on Hugging Face.</summary>
/// <param name="ApproximateSize">What a pull downloads, roughly (bf16 weights + tokenizer files; the model repos' speech_tokenizer/ comes on top).</param>
public sealed record OfficialRepository(string Id, string Description, string ApproximateSize)
{
    public bool IsSpeechTokenizer => Id == OfficialModelLayout.SpeechTokenizerRepository;
}

/// <summary>The official repositories `models pull --repo` knows, and which files a snapshot consists of.</summary>
public static class OfficialRepositories
{
    /// <summary>Sizes from the published bf16 weights (0.6B ≈ 0.9 B parameters, 1.7B ≈ 1.9 B).</summary>
    public static IReadOnlyList<OfficialRepository> Known { get; } =
    [
        new("Qwen/Qwen3-TTS-12Hz-0.6B-Base", "0.6B Base: voice cloning (ICL and x-vector)", "1.8 GB + speech_tokenizer/"),
        new("Qwen/Qwen3-TTS-12Hz-0.6B-CustomVoice", "0.6B CustomVoice: 9 built-in speakers", "1.8 GB + speech_tokenizer/"),
        new("Qwen/Qwen3-TTS-12Hz-1.7B-Base", "1.7B Base: voice cloning (ICL and x-vector)", "3.8 GB + speech_tokenizer/"),
        new("Qwen/Qwen3-TTS-12Hz-1.7B-CustomVoice", "1.7B CustomVoice: 9 built-in speakers, instructions", "3.8 GB + speech_tokenizer/"),
        new("Qwen/Qwen3-TTS-12Hz-1.7B-VoiceDesign", "1.7B VoiceDesign: the voice described by instructions", "3.8 GB + speech_tokenizer/"),
        new(OfficialModelLayout.SpeechTokenizerRepository, "the 12 Hz speech tokenizer alone (into speech_tokenizer/)", "speech_tokenizer/ only"),
    ];

    /// <summary>Files of a model snapshot's root, all required.</summary>
    public static IReadOnlyList<string> SnapshotFiles { get; } =
    [
        OfficialModelLayout.Config, OfficialModelLayout.GenerationConfig, OfficialModelLayout.Vocab, OfficialModelLayout.Merges,
        OfficialModelLayout.TokenizerConfig, OfficialModelLayout.Weights,
    ];

    /// <summary>Files of the speech tokenizer: under speech_tokenizer/ in a model repo, at the root of the tokenizer repo.</summary>
    public static IReadOnlyList<string> SpeechTokenizerFiles { get; } = ["config.json", "preprocessor_config.json", "model.safetensors"];

    /// <summary>A Qwen3-TTS repository in the official layout (the known ones, or any Qwen/Qwen3-TTS-* name).</summary>
    public static bool IsOfficial(string repository) =>
        Known.Any(r => string.Equals(r.Id, repository, StringComparison.OrdinalIgnoreCase))
        || repository.StartsWith("Qwen/Qwen3-TTS-", StringComparison.OrdinalIgnoreCase);
}
