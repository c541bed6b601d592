using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qwen3Tts.Gateway;

/// <summary>
/// The body of <c>POST /v1/audio/speech</c>: OpenAI's fields plus <c>language</c>, <c>seed</c> and <c>eos</c>.
/// Everything is optional here so that a missing field gets a 400 naming it, not a serializer error.
/// </summary>
public sealed class SpeechRequest
{
    /// <summary>qwen3-tts, or one of OpenAI's TTS model names (tts-1, tts-1-hd, gpt-4o-mini-tts): all the same model.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>The text to speak.</summary>
    [JsonPropertyName("input")]
    public string? Input { get; set; }

    /// <summary>A voice name from GET /v1/voices: a library voice (Base models clone it), a CustomVoice model's speaker, or "default" (or none) for the model's own voice.</summary>
    [JsonPropertyName("voice")]
    public string? Voice { get; set; }

    /// <summary>mp3, opus (Ogg), aac (ADTS), flac, wav or pcm (raw 16-bit little-endian); 24 kHz mono. Default: mp3 where ffmpeg is installed, else wav.</summary>
    [JsonPropertyName("response_format")]
    public string? ResponseFormat { get; set; }

    /// <summary>Playback speed, 0.25 to 4.0; 1.0 by default.</summary>
    [JsonPropertyName("speed")]
    public double? Speed { get; set; }

    /// <summary>"audio" streams the audio as it is generated, "sse" as speech.audio.delta events; absent = one complete response.</summary>
    [JsonPropertyName("stream_format")]
    public string? StreamFormat { get; set; }

    /// <summary>auto (default), a language name (english, chinese, ...) or its ISO code.</summary>
    [JsonPropertyName("language")]
    public string? Language { get; set; }

    /// <summary>Random seed: the same seed, text, voice and language give the same audio, bit for bit.</summary>
    [JsonPropertyName("seed")]
    public ulong? Seed { get; set; }

    /// <summary>
    /// A one-off clone (vLLM-Omni's field): the reference clip, a WAV file in base64 or as a data:audio/wav;base64,...
    /// URL, at most gateway.cloning.maxSeconds long. Spoken with <see cref="RefText"/>; nothing is saved.
    /// </summary>
    [JsonPropertyName("ref_audio")]
    public string? RefAudio { get; set; }

    /// <summary>The words spoken in <see cref="RefAudio"/>.</summary>
    [JsonPropertyName("ref_text")]
    public string? RefText { get; set; }

    /// <summary>OpenAI's style instructions: the official instruct block of 1.7B CustomVoice models, the voice description of VoiceDesign models (required there); refused by models that take none.</summary>
    [JsonPropertyName("instructions")]
    public string? Instructions { get; set; }

    /// <summary>official (default: the model ends the utterance, capped by its max_new_tokens), seed (the Rust seed's schedule) or never (exactly the cap).</summary>
    [JsonPropertyName("eos")]
    public string? Eos { get; set; }

    /// <summary>Kokoro-FastAPI's switch: true streams the audio as stream_format "audio" does.</summary>
    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }

    /// <summary>OpenAI's end-user id: accepted and not used (it never changes the audio).</summary>
    [JsonPropertyName("user")]
    public string? User { get; set; }

    /// <summary>Every other field: refused by <see cref="ForeignSpeechFields"/>, never silently ignored.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? OtherFields { get; set; }
}
