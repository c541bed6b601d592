namespace Qwen3Tts.Gateway;

/// <summary>
/// Fields other speech servers take that this one does not (yet). Each changes the audio there, so ignoring it would
/// answer a different request than the one sent: a request carrying one is refused with a 400 naming the field and
/// what does take it; an unknown field is refused the same way, as OpenAI refuses unrecognized arguments.
/// </summary>
public static class ForeignSpeechFields
{
    private const string Cloning =
        "a request clones a voice from 'ref_audio' (a WAV clip, base64 or a data: URL) and 'ref_text' (its words); a saved voice is named in 'voice' (GET /v1/voices lists them)";

    private const string Sampling =
        "sampling follows the model's official settings here, and 'seed' makes the audio reproducible";

    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["voice_data"] = Cloning,
        ["speaker_embedding"] = Cloning,
        ["speaker_wav"] = Cloning,
        ["x_vector_only_mode"] = Cloning,
        ["task_type"] = "this server chooses the task from the loaded model and the voice",
        ["temperature"] = Sampling,
        ["top_p"] = Sampling,
        ["top_k"] = Sampling,
        ["repetition_penalty"] = Sampling,
        ["max_new_tokens"] = "long texts are spoken sentence by sentence, each under the server's frame cap",
        ["lang_code"] = "name the language in 'language' (english, chinese, ... or en, zh, ...)",
        ["volume_multiplier"] = "the audio is not rescaled here",
        ["normalization_options"] = "the text is spoken as given",
        ["return_download_link"] = "the audio is the response body",
        ["download_format"] = "choose the format with 'response_format'",
    };

    /// <summary>The fields this endpoint takes, for messages.</summary>
    public const string Accepted = "model, input, voice, response_format, speed, stream_format, language, seed, eos, instructions, ref_audio, ref_text (and stream, user)";

    public static void Refuse(SpeechRequest request)
    {
        if (request.OtherFields is not { Count: > 0 } fields)
        {
            return;
        }
        var field = fields.Keys.Order(StringComparer.Ordinal).First();
        throw Known.TryGetValue(field, out var why)
            ? OpenAiErrorException.InvalidRequest($"'{field}' is not supported by this server: {why}", field, "unsupported_parameter")
            : OpenAiErrorException.InvalidRequest($"unrecognized request argument supplied: {field}; the speech endpoint takes {Accepted}", field, "unknown_parameter");
    }
}
