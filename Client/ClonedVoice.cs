namespace Qwen3Tts.Client;

/// <summary>
/// A reference clip encoded by the cluster (<see cref="Qwen3TtsClient.EncodeVoiceAsync"/>): its speech-tokenizer codes,
/// [Frames][Codebooks] row-major, the x-vector when the cluster's talker models have a speaker encoder, and which
/// encoders made them. <see cref="ToProfile"/> makes the voice to speak with.
/// </summary>
public sealed record ClonedVoice(int[] Codes, int Frames, int Codebooks, float[]? SpeakerEmbedding, string SpeechTokenizer, double FrameRate, string? SpeakerEncoder)
{
    /// <param name="referenceText">The words spoken in the clip (the in-context clone needs them).</param>
    public VoiceProfile ToProfile(string referenceText) => new([.. Codes.Select(c => (long)c)], referenceText, SpeakerEmbedding);
}
