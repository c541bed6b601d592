using System.Buffers;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Vocoder;
using Qwen3Tts.Tests.Codec;

namespace Qwen3Tts.Tests.Pipeline;

/// <summary>
/// The in-process vocoder channel reuses its frame ring and audio buffers: whatever the pace of the appends (a decoder far
/// behind, so the 64-frame ring fills, appends wait for it and several chunks wait in one buffer), the audio it hands
/// back, copied out before each next call as its ownership rule says, is the one-shot decode of the same codes, and a
/// call's audio stays intact until then.
/// </summary>
public sealed class LocalVocoderChannelTests(TinyModelsFixture tiny) : IClassFixture<TinyModelsFixture>
{
    [Theory]
    [InlineData(300, 0)]    // as fast as the loop can append: the worker falls behind and the ring fills
    [InlineData(40, 3)]     // a few ms per frame: the worker keeps up, chunk by chunk
    public async Task TheAudioIsTheOneShotDecodeWhateverThePace(int frames, int pauseMs)
    {
        var vocoder = tiny.Models.Vocoder;
        var codes = TinyDecoderFixture.RandomCodes(frames, seed: frames);
        var whole = VocoderStreams.DecodeAll(vocoder, codes);

        var heard = new List<float>();
        await using (var channel = new LocalVocoderChannel(vocoder))
        {
            ReadOnlyMemory<float> previous = default;
            float[] previousCopy = [];
            for (var f = 0; f < frames; f++)
            {
                // The worker decoded meanwhile, yet the last call's audio is untouched until the next call.
                Assert.True(previous.Span.SequenceEqual(previousCopy), $"the audio returned before frame {f} changed before the next call");
                // The frame's array is the caller's again as soon as the call returns: scribble on it.
                var frame = codes.AsSpan(f * 16, 16).ToArray();
                var audio = await channel.AppendAsync(frame, CancellationToken.None);
                Array.Fill(frame, -1L);
                heard.AddRange(audio.Span);
                (previous, previousCopy) = (audio, audio.ToArray());
                if (pauseMs > 0)
                {
                    await Task.Delay(pauseMs);
                }
            }
            heard.AddRange((await channel.FlushAsync(CancellationToken.None)).Span);
        }

        Assert.Equal(frames * vocoder.SamplesPerFrame, heard.Count);
        Assert.Equal(whole, heard.ToArray());
    }

    [Fact]
    public async Task ADecoderThatFellBehindCatchesUpInLongerDecodes()
    {
        // The worker's first decode is held until every frame is appended, so the rest wait in the ring: it then takes up to
        // 8 at a time into a decode (fewer weight reads per frame) instead of one frame per wake-up and a decode every 4.
        var vocoder = new HeldVocoder(tiny.Models.Vocoder);
        const int frames = 25;
        var codes = TinyDecoderFixture.RandomCodes(frames, seed: 5);
        var heard = new List<float>();
        await using (var channel = new LocalVocoderChannel(vocoder))
        {
            for (var f = 0; f < frames; f++)
            {
                heard.AddRange((await channel.AppendAsync(codes.AsMemory(f * 16, 16), CancellationToken.None)).Span);
                if (f == frames - 1)
                {
                    vocoder.Release();
                }
            }
            heard.AddRange((await channel.FlushAsync(CancellationToken.None)).Span);
        }
        Assert.Equal(VocoderStreams.DecodeAll(tiny.Models.Vocoder, codes), heard.ToArray());
        Assert.Equal(frames, vocoder.Decodes.Sum());
        Assert.Equal(1, vocoder.Decodes[0]);
        // Without catching up every decode after the first would be exactly 4 frames (one appended per wake-up).
        Assert.Contains(vocoder.Decodes, n => n >= 8);
        Assert.All(vocoder.Decodes, n => Assert.InRange(n, 1, 8 + 3));
    }

    /// <summary>A vocoder whose streams record the frames of each decode and hold every decode after the first audio until released.</summary>
    private sealed class HeldVocoder(IVocoder inner) : IVocoder
    {
        private readonly ManualResetEventSlim _release = new();

        public List<int> Decodes { get; } = [];

        public VocoderEngine Engine => inner.Engine;

        public int SamplesPerFrame => inner.SamplesPerFrame;

        public string Description => inner.Description;

        public void Release() => _release.Set();

        public IVocoderStream OpenStream() => new Stream(this, inner.OpenStream());

        public void Dispose() => _release.Dispose();

        private sealed class Stream(HeldVocoder owner, IVocoderStream inner) : IVocoderStream
        {
            public int ChunkFrames => inner.ChunkFrames;

            public int FirstChunkFrames => inner.FirstChunkFrames;

            public long FramesAppended => inner.FramesAppended;

            public long FramesEmitted => inner.FramesEmitted;

            public void Append(ReadOnlySpan<long> frameCodes) => inner.Append(frameCodes);

            public void Prime(ReadOnlySpan<long> codes) => inner.Prime(codes);

            public bool TryDecode(out ReadOnlyMemory<float> samples, bool flush) => throw new NotSupportedException("the channel decodes into its buffers");

            public bool TryDecodeInto(IBufferWriter<float> output, bool flush)
            {
                if (FramesEmitted > 0 && FramesAppended - FramesEmitted >= ChunkFrames)
                {
                    Assert.True(owner._release.Wait(TimeSpan.FromSeconds(30)), "the test never released the decoder");
                }
                var pending = (int)(FramesAppended - FramesEmitted);
                if (!inner.TryDecodeInto(output, flush))
                {
                    return false;
                }
                lock (owner.Decodes)
                {
                    owner.Decodes.Add(pending);
                }
                return true;
            }

            public void Dispose() => inner.Dispose();
        }
    }
}
