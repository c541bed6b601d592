namespace Qwen3Tts.Inference.Vocoder;

/// <summary>
/// Streams audio for one utterance. Each decoded window is [up to ContextFrames frames already emitted]
/// + [ChunkFrames new frames] + [zero padding up to the model window]; only the new frames' samples are
/// returned. Because the decoder is causal, the right padding never changes them, and the left context
/// replaces the seed's hard reset every 64 frames with real history (exact as long as the decoder's
/// receptive field fits in the context; see SYNTHETIC-VOCODER.md for measured differences).
/// Not thread-safe: one instance per utterance, used by one caller at a time.
/// </summary>
public sealed class StreamingVocoder : IVocoderStream
{
    private const int Codes = VocoderModel.CodebookCount;

    private readonly VocoderModel _model;
    private readonly int _contextFrames;
    private readonly long[] _windowCodes;
    private readonly float[] _windowAudio;
    private long[] _frames;          // frames from _firstBufferedFrame onwards, frame-major
    private long _firstBufferedFrame;
    private int _bufferedFrames;
    private long _decodedFrames;
    private long _primedFrames;

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

    /// <summary>The first window waits for a full chunk like the others.</summary>
    public int FirstChunkFrames => ChunkFrames;

    /// <summary>Frames of the utterance appended (primed frames not counted).</summary>
    public long FramesAppended => BufferEnd - _primedFrames;

    /// <summary>Frames of the utterance whose samples were returned.</summary>
    public long FramesEmitted => _decodedFrames - _primedFrames;

    public int PendingFrames => (int)(BufferEnd - _decodedFrames);

    private long BufferEnd => _firstBufferedFrame + _bufferedFrames;

    /// <summary>
    /// Adds frames as already-emitted history: they become the left context of the first windows, the nearest
    /// this model can come to the official decode of reference + generated codes.
    /// </summary>
    public void Prime(ReadOnlySpan<long> codes)
    {
        if (BufferEnd > _primedFrames || codes.Length % Codes != 0)
        {
            throw new InvalidOperationException(codes.Length % Codes != 0
                ? $"expected whole frames of {Codes} codes, got {codes.Length} codes"
                : "a stream can only be primed before its first frame");
        }
        for (var offset = 0; offset < codes.Length; offset += Codes)
        {
            AppendFrame(codes.Slice(offset, Codes));
        }
        _primedFrames = BufferEnd;
        _decodedFrames = BufferEnd;
        DropFramesBefore(_decodedFrames - _contextFrames);
    }

    public void Dispose()
    {
    }

    /// <summary>Adds one frame of 16 codes (each 0..2047).</summary>
    public void Append(ReadOnlySpan<long> frameCodes) => AppendFrame(frameCodes);

    private void AppendFrame(ReadOnlySpan<long> frameCodes)
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
        var context = (int)Math.Min(_contextFrames, _decodedFrames);
        var windowStart = _decodedFrames - context;
        var used = context + newFrames;

        _frames.AsSpan((int)(windowStart - _firstBufferedFrame) * Codes, used * Codes).CopyTo(_windowCodes);
        _windowCodes.AsSpan(used * Codes).Clear();
        _model.DecodeWindow(_windowCodes, _windowAudio);

        var perFrame = _model.SamplesPerFrame;
        samples = _windowAudio.AsSpan(context * perFrame, newFrames * perFrame).ToArray();
        _decodedFrames += newFrames;
        DropFramesBefore(_decodedFrames - _contextFrames);
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
        return VocoderStreams.DecodeAll(new StreamingVocoder(model, options), codes, model.SamplesPerFrame);
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
