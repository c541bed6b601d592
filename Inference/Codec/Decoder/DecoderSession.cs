using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// One stream through the decoder: each call takes the next n ≥ 1 frames and returns exactly their n × 1920
/// samples, equal to what a one-shot decode of the whole utterance gives for them (every layer is causal and
/// carries its history here). <see cref="Prime"/> feeds frames without voicing them, the way a voice clone's
/// reference codes come before the generated ones. Not thread-safe: one caller at a time.
/// </summary>
public sealed class DecoderSession : IDisposable
{
    private readonly SpeechTokenizerDecoder _decoder;
    private readonly DecoderState _state;

    internal DecoderSession(SpeechTokenizerDecoder decoder)
    {
        _decoder = decoder;
        _state = new DecoderState(decoder.Network);
    }

    /// <summary>Frames fed so far (decoded or primed).</summary>
    public long FramesFed => _state.Position;

    public int SamplesPerFrame => _decoder.SamplesPerFrame;

    /// <summary>Codes per frame (16).</summary>
    public int CodebookCount => _decoder.CodebookCount;

    /// <summary>Codes per codebook (2048): valid codes are 0 … CodebookSize − 1.</summary>
    public int CodebookSize => _decoder.Config.CodebookSize;

    /// <summary>Decodes frames × 16 codes (frame-major) into exactly frames × 1920 samples of <paramref name="audio"/>.</summary>
    public void Decode(ReadOnlySpan<long> codes, Span<float> audio)
    {
        var frames = CheckCodes(codes);
        if (audio.Length != frames * SamplesPerFrame)
        {
            throw new ArgumentException($"{frames} frames need an audio buffer of {frames * SamplesPerFrame} samples, got {audio.Length}", nameof(audio));
        }
        Feed(codes, frames, audio);
    }

    /// <summary>Decodes into a new array of frames × 1920 samples.</summary>
    public float[] Decode(ReadOnlySpan<long> codes)
    {
        var audio = new float[CheckCodes(codes) * SamplesPerFrame];
        Decode(codes, audio);
        return audio;
    }

    /// <summary>
    /// Advances the stream over frames whose audio is not wanted (a voice clone's reference codes): afterwards
    /// the stream decodes the next frames exactly as a one-shot decode of reference + generated frames would.
    /// </summary>
    public void Prime(ReadOnlySpan<long> codes) => Feed(codes, CheckCodes(codes), Span<float>.Empty);

    /// <summary>Back to frame 0 with empty history.</summary>
    public void Reset() => _state.Reset();

    private void Feed(ReadOnlySpan<long> codes, int frames, Span<float> audio)
    {
        var workspace = _decoder.RentWorkspace();
        // Counted as computing, so the talker's and predictor's products leave this thread's core to it (and the
        // decoder's own products fan out only onto a core they leave idle).
        using var computing = ComputeLoad.Process.Enter();
        try
        {
            var books = _decoder.CodebookCount;
            var samples = SamplesPerFrame;
            for (var start = 0; start < frames; start += workspace.MaxFrames)
            {
                var count = Math.Min(workspace.MaxFrames, frames - start);
                DecoderPass.Run(_decoder.Network, _state, workspace, codes.Slice(start * books, count * books), count,
                    audio.IsEmpty ? Span<float>.Empty : audio.Slice(start * samples, count * samples));
            }
        }
        finally
        {
            _decoder.Return(workspace);
        }
    }

    private int CheckCodes(ReadOnlySpan<long> codes)
    {
        var books = _decoder.CodebookCount;
        if (codes.Length == 0 || codes.Length % books != 0)
        {
            throw new ArgumentException($"expected one or more frames of {books} codes, got {codes.Length} codes", nameof(codes));
        }
        var size = _decoder.Config.CodebookSize;
        for (var i = 0; i < codes.Length; i++)
        {
            if ((ulong)codes[i] >= (ulong)size)
            {
                throw new ArgumentOutOfRangeException(nameof(codes), codes[i],
                    $"frame {FramesFed + i / books}, codebook {i % books}: code {codes[i]} is outside 0..{size - 1}");
            }
        }
        return codes.Length / books;
    }

    public void Dispose()
    {
    }
}
