using Qwen3Tts.Inference.Codec;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Inference.Voices.Cloning;

/// <summary>
/// The model set's speaker encoder (the ECAPA x-vector of an official Base snapshot's root <c>model.safetensors</c>),
/// looked up and loaded on first use; a set without one (the seed's layout, CustomVoice, VoiceDesign) gives no x-vector.
/// </summary>
public sealed class ReferenceSpeakerEncoder(ModelStore store)
{
    private readonly Lazy<ISpeakerEmbeddingExtractor?> _extractor = new(() => SpeakerEmbeddingExtractors.TryOpen(store), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The x-vector and the encoder's name, or (null, null) when the set has no speaker encoder.</summary>
    public (float[]? Embedding, string? Encoder) Extract(ReadOnlySpan<float> samples, int sampleRate, CancellationToken cancellationToken = default)
    {
        if (_extractor.Value is not { } extractor)
        {
            return (null, null);
        }
        ClipSamples.Check(samples, sampleRate, extractor.SampleRate);
        return (extractor.Extract(samples, cancellationToken), extractor.Name);
    }
}
