namespace Qwen3Tts.Inference.Vocoder;

/// <summary>
/// Streams audio for one utterance. Each decoded window is [up to ContextFrames frames already emitted]
/// + [ChunkFrames new frames] + [zero padding up to the model window]; only the new frames' samples are
/// returned. Because the decoder is causal, the right padding never changes them, and the left context
/// replaces the seed's hard reset every 64 frames with real history (exact as long as the decoder's
/// receptive field fits in the context; see SYNTHETIC-VOCODER.md for measured differences).
/// Not thread-safe: one instance per utterance, used by one caller at a time.
/// </summary>
public sealed class StreamingVocoder
{
    private const int Codes = VocoderModel.CodebookCount;

    private readonly VocoderModel _model;
    private readonly int _contextFrames;
    private readonly long[] _windowCodes;
    private readonly float[] _windowAudio;
    private long[] _frames;          // frames from _firstBufferedFrame onwards, frame-major
    private long _firstBufferedFrame;
    private int _bufferedFrames;

    public StreamingVocoder(VocoderModel model, VocoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        _model = model;
        ChunkFrames = options.EffectiveChunkFrames(model.WindowFrames);
        _contextFrames = options.ContextFrames;
        _windowCodes = new long[model.WindowFrames * Codes];
        _windowAudio = new float[model.WindowSamples];
        _frames = new long[model.WindowFrames * Codes];
    }

    public int ChunkFrames { get; }

    public long FramesAppended => _firstBufferedFrame + _bufferedFrames;

    public long FramesEmitted { get; private set; }

    public int PendingFrames => (int)(FramesAppended - FramesEmitted);

    /// <summary>Adds one frame of 16 codes (each 0..2047).</summary>
    public void Append(ReadOnlySpan<long> frameCodes)
    {
        var frame = FramesAppended;
        if (frameCodes.Length != Codes)
        {
            throw new ArgumentException($"frame {frame}: expected {Codes} codes, got {frameCodes.Length}", nameof(frameCodes));
        }
        for (var book = 0; book < Codes; book++)
        {
            if ((ulong)frameCodes[book] >= VocoderModel.CodebookSize)
            {
                throw new ArgumentException(
                    $"frame {frame}, codebook {book}: code {frameCodes[book]} is outside 0..{VocoderModel.CodebookSize - 1}", nameof(frameCodes));
            }
        }
        EnsureCapacity(_bufferedFrames + 1);
        frameCodes.CopyTo(_frames.AsSpan(_bufferedFrames * Codes, Codes));
        _bufferedFrames++;
    }

    /// <summary>
    /// Decodes the next chunk when <see cref="ChunkFrames"/> new frames are waiting, or (with
    /// <paramref name="flush"/>) whatever is left. Call repeatedly until it returns false.
    /// The returned samples belong to the caller.
    /// </summary>
    public bool TryDecode(out ReadOnlyMemory<float> samples, bool flush)
    {
        var pending = PendingFrames;
        if (pending == 0 || (pending < ChunkFrames && !flush))
        {
            samples = ReadOnlyMemory<float>.Empty;
            return false;
        }
        var newFrames = Math.Min(pending, ChunkFrames);
        var context = (int)Math.Min(_contextFrames, FramesEmitted);
        var windowStart = FramesEmitted - context;
        var used = context + newFrames;

        _frames.AsSpan((int)(windowStart - _firstBufferedFrame) * Codes, used * Codes).CopyTo(_windowCodes);
        _windowCodes.AsSpan(used * Codes).Clear();
        _model.DecodeWindow(_windowCodes, _windowAudio);

        var perFrame = _model.SamplesPerFrame;
        samples = _windowAudio.AsSpan(context * perFrame, newFrames * perFrame).ToArray();
        FramesEmitted += newFrames;
        DropFramesBefore(FramesEmitted - _contextFrames);
        return true;
    }

    /// <summary>Decodes a whole utterance (<paramref name="frameCount"/> frames × 16 codes) the streaming way.</summary>
    public static float[] DecodeAll(VocoderModel model, ReadOnlySpan<long> codes, int frameCount, VocoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(frameCount);
        if (codes.Length != frameCount * Codes)
        {
            throw new ArgumentException($"expected {frameCount}×{Codes} = {frameCount * Codes} codes, got {codes.Length}", nameof(codes));
        }
        var stream = new StreamingVocoder(model, options);
        var audio = new float[(long)frameCount * model.SamplesPerFrame];
        var written = 0;
        for (var frame = 0; frame < frameCount; frame++)
        {
            stream.Append(codes.Slice(frame * Codes, Codes));
            written += Drain(stream, audio.AsSpan(written), flush: false);
        }
        written += Drain(stream, audio.AsSpan(written), flush: true);
        System.Diagnostics.Debug.Assert(written == audio.Length, "every appended frame is emitted once");
        return audio;
    }

    private static int Drain(StreamingVocoder stream, Span<float> destination, bool flush)
    {
        var written = 0;
        while (stream.TryDecode(out var samples, flush))
        {
            samples.Span.CopyTo(destination[written..]);
            written += samples.Length;
        }
        return written;
    }

    private void EnsureCapacity(int frames)
    {
        if (frames * Codes <= _frames.Length)
        {
            return;
        }
        Array.Resize(ref _frames, Math.Max(frames * Codes, _frames.Length * 2));
    }

    /// <summary>Forgets frames that can no longer be needed as context, so a long utterance keeps a bounded buffer.</summary>
    private void DropFramesBefore(long frame)
    {
        var drop = (int)Math.Max(0, frame - _firstBufferedFrame);
        if (drop == 0)
        {
            return;
        }
        _bufferedFrames -= drop;
        _frames.AsSpan(drop * Codes, _bufferedFrames * Codes).CopyTo(_frames);
        _firstBufferedFrame += drop;
    }
}
