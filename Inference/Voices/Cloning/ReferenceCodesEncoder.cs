using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Inference.Voices.Cloning;

/// <summary>A clip's speech-tokenizer codes: [Frames][Codebooks] row-major, and which tokenizer made them.</summary>
public sealed record ReferenceCodes(int[] Codes, int Frames, int Codebooks, string SpeechTokenizer, double FrameRate);

/// <summary>
/// The model set's speech-tokenizer encoder (<c>speech_tokenizer/model.safetensors</c>), loaded on first use so a silo
/// that never clones never holds its ~185 MB of weights. A missing file is a <see cref="ModelFilesMissingException"/>
/// naming it, raised by the first encode.
/// </summary>
public sealed class ReferenceCodesEncoder(ModelStore store, MimiEncoderOptions? options = null)
{
    private readonly Lazy<(MimiAudioEncoder Encoder, string Fingerprint)> _encoder = new(() =>
    {
        var path = store.ResolveSpeechTokenizer().Safetensors;
        return (MimiAudioEncoder.Load(path, options), VoiceProfileEncoder.Fingerprint(path));
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The rate clips must be at (24 kHz).</summary>
    public const int SampleRate = 24000;

    public ReferenceCodes Encode(ReadOnlySpan<float> samples, int sampleRate, CancellationToken cancellationToken = default)
    {
        ClipSamples.Check(samples, sampleRate, SampleRate);
        var (encoder, fingerprint) = _encoder.Value;
        if (encoder.SampleRate != SampleRate)
        {
            throw new InvalidOperationException($"the speech tokenizer's encoder runs at {encoder.SampleRate} Hz, not {SampleRate}");
        }
        var encoded = encoder.Encode(samples, cancellationToken);
        return new ReferenceCodes(encoded.Codes, encoded.Frames, encoded.Codebooks, fingerprint, encoder.Config.FrameRate);
    }
}
