using System.Security.Cryptography;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>A voice encoded from a reference clip: what a voice file holds.</summary>
public sealed record EncodedVoice(
    string ReferenceText,
    int[] Codes,
    int Frames,
    int Codebooks,
    float[]? SpeakerEmbedding,
    WavSource Source,
    VoiceEncoderIdentity EncodedWith);

/// <summary>The reference clip as it came: its rate, channels, sample format and length.</summary>
public sealed record WavSource(int SampleRate, int Channels, string Format, double DurationSeconds);

/// <summary>Which encoder produced the codes (a fingerprint of the speech tokenizer) and which produced the x-vector.</summary>
public sealed record VoiceEncoderIdentity(string SpeechTokenizerFingerprint, double FrameRate, string? SpeakerEncoder);

/// <summary>
/// The official voice-clone prompt material from one clip (Qwen3TTSModel.create_voice_clone_prompt): the
/// speech tokenizer's codes of the 24 kHz clip, and the speaker encoder's x-vector of the same 24 kHz samples
/// when the model set has one.
/// </summary>
public sealed class VoiceProfileEncoder(MimiAudioEncoder encoder, ISpeakerEmbeddingExtractor? speaker, string fingerprint)
{
    public MimiAudioEncoder Encoder => encoder;

    public ISpeakerEmbeddingExtractor? Speaker => speaker;

    public static VoiceProfileEncoder Open(ModelStore store, MimiEncoderOptions? options = null)
    {
        var path = store.ResolveSpeechTokenizer().Safetensors;
        var encoder = MimiAudioEncoder.Load(path, options);
        return new VoiceProfileEncoder(encoder, SpeakerEmbeddingExtractors.TryOpen(store), Fingerprint(path));
    }

    public EncodedVoice Encode(ReferenceAudio audio, string referenceText, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(referenceText))
        {
            throw new ArgumentException("the reference text (what is said in the clip) is empty; the in-context clone needs it");
        }
        if (audio.SampleRate != encoder.SampleRate)
        {
            throw new ArgumentException($"the clip is at {audio.SampleRate} Hz, the encoder takes {encoder.SampleRate} Hz");
        }
        var encoded = encoder.Encode(audio.Samples, cancellationToken);
        float[]? embedding = null;
        if (speaker is not null)
        {
            if (speaker.SampleRate != audio.SampleRate)
            {
                throw new InvalidOperationException($"the speaker encoder takes {speaker.SampleRate} Hz, the clip is at {audio.SampleRate} Hz");
            }
            embedding = speaker.Extract(audio.Samples, cancellationToken);
        }
        var source = audio.Source;
        return new EncodedVoice(referenceText.Trim(), encoded.Codes, encoded.Frames, encoded.Codebooks, embedding,
            new WavSource(source.SampleRate, source.Channels, source.Describe(), source.DurationSeconds),
            new VoiceEncoderIdentity(fingerprint, encoder.Config.FrameRate, speaker?.Name));
    }

    /// <summary>
    /// "sha256:" of the file's length and its safetensors header (every tensor's name, dtype, shape and offset):
    /// cheap to compute on a 680 MB file, and different for any other layout or re-export.
    /// </summary>
    public static string Fingerprint(string safetensorsPath)
    {
        using var stream = File.OpenRead(safetensorsPath);
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var headerLength = BitConverter.ToUInt64(prefix);
        if (headerLength > 100_000_000 || (long)headerLength > stream.Length - 8)
        {
            throw new ModelFormatException("safetensors header length is out of range", safetensorsPath);
        }
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(BitConverter.GetBytes(stream.Length));
        sha.AppendData(header);
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
