using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Audio.Encoders;

namespace Qwen3Tts.Gateway;

/// <summary>
/// A speech request that passed validation: what to synthesize and how to deliver it (<paramref name="Stream"/>:
/// as it is generated; <paramref name="Events"/>: as OpenAI server-sent events rather than plain audio bytes).
/// <paramref name="VoiceName"/> is a voice name that is not in the voice library: a built-in speaker or an unknown
/// voice, which only the loaded model can tell (<see cref="SpeechRequestValidator.ForModel"/>).
/// </summary>
public sealed record ValidatedSpeech(SynthesisRequestDto Request, SpeechFormat Format, double Speed, bool Stream, bool Events = false, string? VoiceName = null);
