using System.Buffers;
using Qwen3Tts.Inference.Codec.Decoder;

namespace Qwen3Tts.Inference.Vocoder;

/// <summary>The exact streaming decoder as the process's vocoder (the default engine).</summary>
public sealed class NativeVocoder(SpeechTokenizerDecoder decoder, VocoderOptions options) : IVocoder
{
    private readonly (int First, int Chunk) _chunks = options.NativeChunkFrames();

    public SpeechTokenizerDecoder Decoder { get; } = decoder;

    public VocoderEngine Engine => VocoderEngine.Native;

    public int SamplesPerFrame => Decoder.SamplesPerFrame;

    public string Description =>
        $"native decoder {Decoder.Source}: {Decoder.Config.HiddenLayers} transformer layers, decoder_dim {Decoder.Config.DecoderDim}, " +
        $"{Decoder.MultiplyAddsPerFrame * 2 / 1e9:F2} GFLOP/frame, {Decoder.KernelPath} kernels, {Decoder.Options.Threads} threads, " +
        $"chunks of {_chunks.Chunk} frames (first {_chunks.First})";

    public IVocoderStream OpenStream() => new NativeVocoderStream(Decoder.CreateSession(), _chunks.First, _chunks.Chunk);

    public void Dispose() => Decoder.Dispose();
}

/// <summary>
/// A <see cref="DecoderSession"/> behind the frame-at-a-time stream contract: frames wait until a chunk is due,
/// then every waiting frame is decoded in one call. The first chunk is short, for time to first audio, and each
/// later one waits for twice the frames of the one before, up to <see cref="ChunkFrames"/> (1, 2, 4, 8, 8, ...):
/// audio keeps coming while little of it is buffered, and a long stream decodes in long passes, which read the
/// weights fewer times per frame. Since the decoder is exact under any chunking, when audio comes out never
/// changes what it is.
/// </summary>
public sealed class NativeVocoderStream : IVocoderStream
{
    private readonly DecoderSession _session;
    private readonly int _firstChunk;
    private readonly int _books;
    private readonly int _codebookSize;
    private long[] _pending;
    private int _pendingFrames;
    private int _due;

    public NativeVocoderStream(DecoderSession session, int firstChunkFrames, int chunkFrames)
    {
        _session = session;
        _firstChunk = firstChunkFrames;
        _due = firstChunkFrames;
        ChunkFrames = chunkFrames;
        _books = session.CodebookCount;
        _codebookSize = session.CodebookSize;
        _pending = new long[Math.Max(chunkFrames, firstChunkFrames) * _books];
    }

    public int ChunkFrames { get; }

    public int FirstChunkFrames => _firstChunk;

    public long FramesAppended => FramesEmitted + _pendingFrames;

    public long FramesEmitted { get; private set; }

    public void Append(ReadOnlySpan<long> frameCodes)
    {
        if (frameCodes.Length != _books)
        {
            throw new ArgumentException($"frame {FramesAppended}: expected {_books} codes, got {frameCodes.Length}", nameof(frameCodes));
        }
        for (var book = 0; book < _books; book++)
        {
            if ((ulong)frameCodes[book] >= (ulong)_codebookSize)
            {
                throw new ArgumentException(
                    $"frame {FramesAppended}, codebook {book}: code {frameCodes[book]} is outside 0..{_codebookSize - 1}", nameof(frameCodes));
            }
        }
        if ((_pendingFrames + 1) * _books > _pending.Length)
        {
            Array.Resize(ref _pending, _pending.Length * 2);
        }
        frameCodes.CopyTo(_pending.AsSpan(_pendingFrames * _books));
        _pendingFrames++;
    }

    public void Prime(ReadOnlySpan<long> codes)
    {
        if (FramesAppended > 0)
        {
            throw new InvalidOperationException("a stream can only be primed before its first frame");
        }
        _session.Prime(codes);
    }

    public bool TryDecode(out ReadOnlyMemory<float> samples, bool flush)
    {
        if (!IsDue(flush))
        {
            samples = ReadOnlyMemory<float>.Empty;
            return false;
        }
        var audio = new float[_pendingFrames * _session.SamplesPerFrame];
        DecodePending(audio);
        samples = audio;
        return true;
    }

    /// <summary>Decodes straight into <paramref name="output"/>: no array per chunk.</summary>
    public bool TryDecodeInto(IBufferWriter<float> output, bool flush)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!IsDue(flush))
        {
            return false;
        }
        var length = _pendingFrames * _session.SamplesPerFrame;
        DecodePending(output.GetSpan(length)[..length]);
        output.Advance(length);
        return true;
    }

    private bool IsDue(bool flush) => _pendingFrames > 0 && (_pendingFrames >= _due || flush);

    private void DecodePending(Span<float> audio)
    {
        _session.Decode(_pending.AsSpan(0, _pendingFrames * _books), audio);
        FramesEmitted += _pendingFrames;
        _pendingFrames = 0;
        _due = (int)Math.Min(ChunkFrames, 2L * _due);
    }

    public void Dispose() => _session.Dispose();
}
