using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Cluster;

public sealed class ClusterSynthesisTests(RoleClusterFixture fixture) : IClassFixture<RoleClusterFixture>
{
    private static SynthesisRequestDto Request(string text, ulong seed) => new(text, "english", seed, MaxFrames: 40);

    private async Task<float[]> LocalAsync(SynthesisRequestDto request) =>
        (await new SpeechSynthesizer(fixture.Local).SynthesizeAsync(request.ToInference())).Samples;

    private Task<float[]> ClusterAsync(SynthesisRequestDto request, CancellationToken cancellationToken = default) =>
        RoleClusterFixture.CollectAsync(
            fixture.Cluster.Client.GetGrain<ISynthesisGrain>(Guid.NewGuid().ToString("N")).SynthesizeAsync(request, cancellationToken),
            cancellationToken);

    [Fact]
    public async Task Each_role_grain_activates_only_on_a_silo_of_its_role()
    {
        var client = fixture.Cluster.Client;
        for (var i = 0; i < 6; i++)
        {
            var id = $"placement-{i}";
            Assert.Equal(GrainRoles.Talker, fixture.RoleAt(await client.GetGrain<ITalkerGrain>(id).GetSiloAsync()));
            Assert.Equal(GrainRoles.Vocoder, fixture.RoleAt(await client.GetGrain<IVocoderGrain>(id).GetSiloAsync()));
            Assert.Equal(GrainRoles.Predictor, fixture.RoleAt(await client.GetGrain<IPredictorGrain>(id).GetSiloAsync()));
        }
    }

    [Fact]
    public async Task Synthesis_through_the_cluster_equals_the_in_process_synthesizer_bit_for_bit()
    {
        var request = Request("Hello world, this is a cluster.", seed: 7);
        var expected = await LocalAsync(request);
        var actual = await ClusterAsync(request);

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "cluster audio differs from in-process audio");
    }

    [Fact]
    public async Task The_first_audio_through_the_cluster_is_the_first_frame_alone()
    {
        var chunks = new List<AudioChunkDto>();
        await foreach (var chunk in fixture.Cluster.Client.GetGrain<ISynthesisGrain>(Guid.NewGuid().ToString("N"))
            .SynthesizeAsync(Request("First audio comes early.", seed: 3) with { Eos = "never" }))
        {
            chunks.Add(chunk);
        }

        // EOS never: 40 frames, whatever the tiny model's EOS does. The vocoder's first chunk is one frame,
        // returned by the append that carries it: no 40-frame window.
        var first = chunks.First(c => c.Samples.Length > 0);
        Assert.Equal(1, first.FramesSoFar);
        Assert.Equal(1920, TensorBytes.ToFloats(first.Samples).Length);
        Assert.True(chunks[^1].FramesSoFar > 4, "the utterance is too short to show chunking");
    }

    [Fact]
    public async Task Concurrent_requests_each_equal_their_sequential_result()
    {
        var requests = Enumerable.Range(0, 4).Select(i => Request($"Request number {i} speaks.", seed: (ulong)(100 + i))).ToArray();
        var sequential = new List<float[]>();
        foreach (var request in requests)
        {
            sequential.Add(await LocalAsync(request));
        }

        var concurrent = await Task.WhenAll(requests.Select(r => ClusterAsync(r)));

        for (var i = 0; i < requests.Length; i++)
        {
            Assert.True(sequential[i].AsSpan().SequenceEqual(concurrent[i]), $"request {i} differs from its sequential result");
        }
    }

    [Fact]
    public async Task An_unknown_sampling_preset_is_a_clear_error()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ClusterAsync(Request("Hi", 1) with { Sampling = "Loud" }));
        Assert.Contains("unknown sampling preset 'Loud'", error.Message);
    }

    [Fact]
    public async Task Cancelled_requests_free_their_talker_sequences()
    {
        // The talker has 4 KV sequences: if cancelled requests kept theirs, the last request could not start.
        for (var i = 0; i < 4; i++)
        {
            using var cancel = new CancellationTokenSource();
            var request = new SynthesisRequestDto("A long sentence that keeps the talker busy for many frames so the request is still running.", "english", Seed: 3, MaxFrames: 4000) { Eos = "never" };
            var chunks = fixture.Cluster.Client.GetGrain<ISynthesisGrain>($"cancel-{i}-{Guid.NewGuid():N}")
                .SynthesizeAsync(request, cancel.Token).WithBatchSize(1).GetAsyncEnumerator(cancel.Token);
            Assert.True(await chunks.MoveNextAsync());
            Assert.False(chunks.Current.IsLast, "the utterance ended before it could be cancelled");
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                while (await chunks.MoveNextAsync())
                {
                }
            });
            await chunks.DisposeAsync();
        }

        var after = Request("Still room for me.", seed: 9);
        var expected = await LocalAsync(after);
        var actual = await ClusterAsync(after);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "the request after the cancellations differs from in-process audio");
    }
}
