using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Vocoder;
using Qwen3Tts.Tests.Codec;

namespace Qwen3Tts.Tests.Pipeline;

/// <summary>
/// A voice clone's decoder priming against the official recipe: decode the reference codes and the new codes in one
/// pass, then cut off int(reference / total × samples) from the front. The channel voices exactly what is left.
/// </summary>
public sealed class VocoderPrimingTests(TinyModelsFixture tiny) : IClassFixture<TinyModelsFixture>
{
    [Theory]
    [InlineData(17, 9)]
    [InlineData(3, 40)]
    public async Task APrimedChannelVoicesTheNewFramesAsTheOfficialCutOfTheWholeDecode(int referenceFrames, int newFrames)
    {
        var vocoder = tiny.Models.Vocoder;
        var codes = TinyDecoderFixture.RandomCodes(referenceFrames + newFrames, seed: referenceFrames);
        var whole = VocoderStreams.DecodeAll(vocoder, codes);
        var cut = (int)((double)referenceFrames / (referenceFrames + newFrames) * whole.Length);

        var voiced = new List<float>();
        await using (var channel = new LocalVocoderChannel(vocoder))
        {
            await channel.PrimeAsync(codes.AsMemory(0, referenceFrames * 16), CancellationToken.None);
            for (var f = referenceFrames; f < referenceFrames + newFrames; f++)
            {
                voiced.AddRange((await channel.AppendAsync(codes.AsSpan(f * 16, 16).ToArray(), CancellationToken.None)).Span);
            }
            voiced.AddRange((await channel.FlushAsync(CancellationToken.None)).Span);
        }
        var unprimed = VocoderStreams.DecodeAll(vocoder, codes.AsSpan(referenceFrames * 16));

        Assert.Equal(newFrames * vocoder.SamplesPerFrame, voiced.Count);
        Assert.Equal(whole.AsSpan(cut).ToArray(), voiced.ToArray());
        Assert.NotEqual(unprimed, voiced.ToArray());
    }

    [Fact]
    public async Task PrimingAfterTheFirstFrameIsRefused()
    {
        var codes = TinyDecoderFixture.RandomCodes(2, seed: 1);
        await using var channel = new LocalVocoderChannel(tiny.Models.Vocoder);
        await channel.AppendAsync(codes.AsSpan(0, 16).ToArray(), CancellationToken.None);

        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => channel.PrimeAsync(codes.AsMemory(16, 16), CancellationToken.None));
    }
}
