using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Inference.Codec;

/// <summary>
/// Turns a reference clip into the speaker vector (the Base model's ECAPA x-vector) that the official prompt
/// inserts as its own row. The seam between voice encoding and the speaker encoder.
/// </summary>
public interface ISpeakerEmbeddingExtractor
{
    /// <summary>The rate the clip must be at (24 kHz for Qwen3-TTS: extract_speaker_embedding asserts it).</summary>
    int SampleRate { get; }

    /// <summary>Values per vector (the talker's hidden size: 1024 for 0.6B, 2048 for 1.7B).</summary>
    int Dimension { get; }

    /// <summary>A short name for voice files and logs.</summary>
    string Name { get; }

    float[] Extract(ReadOnlySpan<float> samples, CancellationToken cancellationToken = default);
}

/// <summary>Finds the speaker encoder of a model set, when it has one.</summary>
public static class SpeakerEmbeddingExtractors
{
    /// <summary>
    /// The set's speaker encoder: the ECAPA-TDNN of an official Base snapshot at the models directory's root
    /// (<see cref="SpeakerEncoderCheckpoint"/>). Null when the set has none (CustomVoice and VoiceDesign
    /// checkpoints, the seed's layout): voices are then encoded without an x-vector and cloned from their
    /// reference codes alone. A Base snapshot whose speaker weights are missing or broken is an error.
    /// </summary>
    public static ISpeakerEmbeddingExtractor? TryOpen(ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return SpeakerEncoderCheckpoint.TryLoad(store.Options.ModelsDirectory) is { } extractor ? new EcapaExtractor(extractor) : null;
    }

    private sealed class EcapaExtractor(SpeakerEmbeddingExtractor extractor) : ISpeakerEmbeddingExtractor
    {
        public int SampleRate => extractor.SampleRate;

        public int Dimension => extractor.EmbeddingSize;

        public string Name => "ecapa-tdnn speaker_encoder";

        public float[] Extract(ReadOnlySpan<float> samples, CancellationToken cancellationToken = default) => extractor.Extract(samples, cancellationToken);
    }
}
