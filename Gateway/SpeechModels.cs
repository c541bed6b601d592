namespace Qwen3Tts.Gateway;

/// <summary>
/// The model names the API answers to. They are all the one loaded Qwen3-TTS model: OpenAI's names are accepted
/// so that programs written for OpenAI's speech endpoint work by changing only the base URL.
/// </summary>
public static class SpeechModels
{
    public const string Qwen3Tts = "qwen3-tts";

    public static IReadOnlyList<string> Ids { get; } = [Qwen3Tts, "tts-1", "tts-1-hd", "gpt-4o-mini-tts"];

    public static bool IsKnown(string id) => Ids.Contains(id, StringComparer.Ordinal);

    public static OpenAiErrorException NotFound(string id) =>
        new(404, $"The model '{id}' does not exist; available models: {string.Join(", ", Ids)}", OpenAiErrorTypes.InvalidRequest, "model", "model_not_found");
}
