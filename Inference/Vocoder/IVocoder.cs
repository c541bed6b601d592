using System.Buffers;

namespace Qwen3Tts.Inference.Vocoder;

/// <summary>A loaded vocoder, shared by every utterance of a process (thread-safe).</summary>
public interface IVocoder : IDisposable
{
    VocoderEngine Engine { get; }

    /// <summary>Samples per codec frame (1920 at 24 kHz).</summary>
    int SamplesPerFrame { get; }

    /// <summary>A one-line description for logs and <c>models verify</c>.</summary>
    string Description { get; }

    /// <summary>A new stream for one utterance.</summary>
    IVocoderStream OpenStream();
}

/// <summary>
/// The vocoder side of one utterance: frames go in one at a time, audio comes out a chunk at a time, every
/// appended frame's samples exactly once and in order. Not thread-safe: one caller at a time.
/// </summary>
public interface IVocoderStream : IDisposable
{
    /// <summary>New frames per decode once the stream runs.</summary>
    int ChunkFrames { get; }

    /// <summary>Frames that must wait before the first audio (the first chunk may be shorter than the rest).</summary>
    int FirstChunkFrames { get; }

    long FramesAppended { get; }

    long FramesEmitted { get; }

    /// <summary>Adds one frame of 16 codes (each 0..2047); out-of-range codes are refused with frame and codebook named.</summary>
    void Append(ReadOnlySpan<long> frameCodes);

    /// <summary>
    /// Feeds frames (n × 16 codes) that come before the utterance and are not voiced, such as a voice clone's
    /// reference codes; only allowed before the first <see cref="Append"/>.
    /// </summary>
    void Prime(ReadOnlySpan<long> codes);

    /// <summary>
    /// Decodes the frames waiting when a chunk is due, or (with <paramref name="flush"/>) whatever is left; call
    /// until it returns false. The returned samples belong to the caller.
    /// </summary>
    bool TryDecode(out ReadOnlyMemory<float> samples, bool flush);

    /// <summary>
    /// <see cref="TryDecode(out ReadOnlyMemory{float}, bool)"/> that appends the samples to <paramref name="output"/>
    /// instead of returning them: for a caller that reuses its buffers (the in-process frame loop allocates nothing per
    /// chunk through the native decoder, which writes straight into it). Streams without their own version copy.
    /// </summary>
    bool TryDecodeInto(IBufferWriter<float> output, bool flush)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!TryDecode(out var samples, flush))
        {
            return false;
        }
        output.Write(samples.Span);
        return true;
    }
}
