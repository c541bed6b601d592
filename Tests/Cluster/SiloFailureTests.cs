using Qwen3Tts.Grains;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>Kills a silo, so it gets a cluster of its own.</summary>
public sealed class SiloFailureTests(RoleClusterFixture fixture) : IClassFixture<RoleClusterFixture>
{
    [Fact]
    public async Task Killing_the_predictor_silo_mid_request_gives_an_error_not_a_hang()
    {
        var request = new SynthesisRequestDto("A long sentence that keeps the talker busy for many frames so the request is still running.", "english", Seed: 3, MaxFrames: 4000) { Eos = "never" };
        var stream = fixture.Cluster.Client.GetGrain<ISynthesisGrain>("kill-" + Guid.NewGuid().ToString("N"))
            .SynthesizeAsync(request)
            .WithBatchSize(1);
        await using var chunks = stream.GetAsyncEnumerator();
        Assert.True(await chunks.MoveNextAsync());
        Assert.False(chunks.Current.IsLast, "the utterance ended before the predictor silo could be killed");

        var predictorSilo = fixture.Cluster.Silos.Single(s => RoleClusterFixture.RoleOfSilo[s.Name] == GrainRoles.Predictor);
        await fixture.Cluster.KillSiloAsync(predictorSilo);

        var failure = Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            while (await chunks.MoveNextAsync())
            {
            }
        });
        var first = await Task.WhenAny(failure, Task.Delay(ErrorBound));
        Assert.True(first == failure, $"no error {ErrorBound.TotalSeconds:F0} s after the predictor silo died: the request hangs");
        await failure;
    }

    /// <summary>
    /// A call to a dead silo fails at the latest when its response timeout expires, and the error crosses two
    /// calls (client to SynthesisGrain, SynthesisGrain to predictor); the rest is slack for a loaded machine.
    /// </summary>
    private static TimeSpan ErrorBound => RoleClusterFixture.ResponseTimeout * 2 + TimeSpan.FromSeconds(20);
}
