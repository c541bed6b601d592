using Qwen3Tts.Grains;

namespace Qwen3Tts.Gateway;

/// <summary>A speech request that passed validation: what to synthesize and how to deliver it.</summary>
public sealed record ValidatedSpeech(SynthesisRequestDto Request, SpeechAudioFormat Format, double Speed, bool Stream);
