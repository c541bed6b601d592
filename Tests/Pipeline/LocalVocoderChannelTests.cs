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
}
