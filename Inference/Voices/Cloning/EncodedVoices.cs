using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Prompt;

namespace Qwen3Tts.Inference.Voices.Cloning;

/// <summary>Puts a voice together from its parts, wherever they were computed (this process or two silos).</summary>
public static class EncodedVoices
{
    public static EncodedVoice Assemble(ReferenceAudio clip, string referenceText, ReferenceCodes codes, float[]? speakerEmbedding, string? speakerEncoder)
    {
        var source = clip.Source;
        return new EncodedVoice(referenceText.Trim(), codes.Codes, codes.Frames, codes.Codebooks, speakerEmbedding,
            new WavSource(source.SampleRate, source.Channels, source.Describe(), source.DurationSeconds),
            new VoiceEncoderIdentity(codes.SpeechTokenizer, codes.FrameRate, speakerEncoder));
    }

    /// <summary>
    /// The voice to speak with, exactly as it reads back from the file the library would write for it, so a one-off
    /// clone (ref_audio) speaks bit for bit like the same clip saved and named.
    /// </summary>
    public static VoiceReference ToReference(EncodedVoice voice, string name) =>
        VoiceFile.Parse(VoiceProfileJson.Render(voice), ".json", name).Voice;
}
