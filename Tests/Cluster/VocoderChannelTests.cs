using Qwen3Tts.Grains;
using Qwen3Tts.Grains.Channels;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>The pipelined vocoder channel against the real vocoder grain on the vocoder silo.</summary>
public sealed class VocoderChannelTests(RoleClusterFixture fixture) : IClassFixture<RoleClusterFixture>
{
    private const int Codes = VocoderModel.CodebookCount;

    private IVocoderGrain NewGrain() => fixture.Cluster.Client.GetGrain<IVocoderGrain>("vocoder-" + Guid.NewGuid().ToString("N"));

    private static long[] RandomCodes(int frames, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, frames * Codes).Select(_ => (long)random.Next(VocoderModel.CodebookSize)).ToArray();
    }

    private static async Task<float[]> StreamAsync(GrainVocoderChannel channel, long[] codes)
    {
        var audio = new List<float>();
        for (var offset = 0; offset < codes.Length; offset += Codes)
        {
            audio.AddRange((await channel.AppendAsync(codes[offset..(offset + Codes)], CancellationToken.None)).ToArray());
        }
        audio.AddRange((await channel.FlushAsync(CancellationToken.None)).ToArray());
        return audio.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(45)]
    [InlineData(GrainVocoderChannel.MaxBatchFrames * 5 + 3)]
    public async Task Batched_appends_return_the_streaming_vocoder_audio_in_order(int frames)
    {
        var codes = RandomCodes(frames, seed: frames);
        var expected = VocoderStreams.DecodeAll(fixture.Local.Vocoder, codes);

        await using var channel = new GrainVocoderChannel(NewGrain());
        var actual = await StreamAsync(channel, codes);

        Assert.Equal(frames * fixture.Local.Vocoder.SamplesPerFrame, actual.Length);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "the batched cluster audio differs from frame-by-frame streaming");
    }

    [Fact]
    public async Task A_batch_that_is_not_whole_frames_is_a_clear_error()
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => NewGrain().AppendAsync(new long[Codes + 4]));
        Assert.Contains($"expected whole frames of {Codes} codes, got {Codes + 4} codes", error.Message);
    }

    [Fact]
    public async Task A_decode_error_in_a_call_in_flight_surfaces_on_a_later_call()
    {
        var codes = RandomCodes(8, seed: 5);
        codes[3 * Codes + 2] = VocoderModel.CodebookSize + 7;
        await using var channel = new GrainVocoderChannel(NewGrain());

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => StreamAsync(channel, codes));

        Assert.Contains($"codebook 2: code {VocoderModel.CodebookSize + 7} is outside", error.Message);
    }

    [Fact]
    public async Task Disposing_a_channel_mid_stream_releases_the_stream_so_the_request_id_starts_afresh()
    {
        var grain = NewGrain();
        var first = new GrainVocoderChannel(grain);
        var earlier = RandomCodes(40, seed: 1);
        for (var offset = 0; offset < earlier.Length; offset += Codes)
        {
            await first.AppendAsync(earlier[offset..(offset + Codes)], CancellationToken.None);
        }
        await first.DisposeAsync();

        var codes = RandomCodes(30, seed: 2);
        var expected = VocoderStreams.DecodeAll(fixture.Local.Vocoder, codes);
        await using var second = new GrainVocoderChannel(grain);
        var actual = await StreamAsync(second, codes);

        // A stream that kept the earlier frames would decode these with that history as left context.
        Assert.True(expected.AsSpan().SequenceEqual(actual), "the stream after the release still carried the earlier frames");
    }
}
