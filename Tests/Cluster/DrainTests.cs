using System.Diagnostics;
using Orleans.TestingHost;
using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Tests.Pipeline;
using Qwen3Tts.Tests.Reliability;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// A board stopped gracefully (SIGTERM, Ctrl-C, a reboot) while it serves a request: the request finishes there,
/// bit for bit the audio it gets in-process, and only then does the silo leave. A board that dies instead fails
/// the request at once, naming its role. One silo per role, so nothing else could have taken the request over.
/// </summary>
public sealed class DrainTests(TinyModelsFixture models, ITestOutputHelper output) : IClassFixture<TinyModelsFixture>
{
    private const int Concurrent = 4;

    private static readonly string[] Gateway = [GrainRoles.Gateway];

    private static readonly SynthesisRequestDto Request = new(
        string.Concat(Enumerable.Repeat("A request long enough to be under way while its board is asked to stop. ", 12)), "english", Seed: 41, MaxFrames: 400);

    /// <summary>
    /// The predictor in every <c>dotnet test</c> (its per-request activations are what keeps a request on a draining
    /// silo); the talker and the vocoder, 30-40 s each on two cores, in the reliability suite.
    /// </summary>
    [Theory]
    [InlineData(GrainRoles.Predictor)]
    public Task StoppingARoleSiloMidRequestLetsTheRequestsFinishIdenticallyBeforeItLeaves(string role) => StopMidRequestAsync(role);

    [ReliabilityTheory]
    [Trait("Category", "Reliability")]
    [InlineData(GrainRoles.Talker)]
    [InlineData(GrainRoles.Vocoder)]
    public Task StoppingTheOtherRoleSilosMidRequestLetsTheRequestsFinishIdentically(string role) => StopMidRequestAsync(role);

    private async Task StopMidRequestAsync(string role)
    {
        // Several requests: each has its grains registered in the directory ranges of various silos, the stopped one included.
        var requests = Enumerable.Range(0, Concurrent).Select(i => Request with { Seed = 41UL + (ulong)i }).ToArray();
        var expected = new List<float[]>();
        using (var local = models.Load(RoleClusterFixture.TalkerOptions()))
        {
            foreach (var request in requests)
            {
                expected.Add((await new SpeechSynthesizer(local).SynthesizeAsync(request.ToInference())).Samples);
            }
        }
        await using var cluster = await FailoverCluster.StartAsync(models.Directory, Gateway, [GrainRoles.Talker], [GrainRoles.Predictor], [GrainRoles.Vocoder]);
        var board = cluster.Cluster.Silos.Single(s => cluster.RolesOf(s.Name).SequenceEqual([role]));
        var streams = requests.Select(r => cluster.Client.GetGrain<ISynthesisGrain>(Guid.NewGuid().ToString("N")).SynthesizeAsync(r).WithBatchSize(1).GetAsyncEnumerator()).ToList();
        var samples = new List<List<float>>();
        foreach (var chunks in streams)
        {
            Assert.True(await chunks.MoveNextAsync());
            Assert.False(chunks.Current.IsLast, "an utterance ended before its board could be stopped");
            samples.Add([.. TensorBytes.ToFloats(chunks.Current.Samples)]);
        }

        var clock = Stopwatch.StartNew();
        var stopping = cluster.Cluster.StopSiloAsync(board);
        await Task.WhenAll(streams.Select(async (chunks, i) =>
        {
            while (await chunks.MoveNextAsync())
            {
                samples[i].AddRange(TensorBytes.ToFloats(chunks.Current.Samples));
            }
            await chunks.DisposeAsync();
        }));
        var finished = clock.Elapsed;
        await stopping.WaitAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"{role}: the requests finished {finished.TotalSeconds:F1} s after the stop began; the silo left after {clock.Elapsed.TotalSeconds:F1} s");

        for (var i = 0; i < Concurrent; i++)
        {
            Assert.Equal(expected[i], samples[i].ToArray());
        }
    }

    [Theory]
    [InlineData(GrainRoles.Talker)]
    [InlineData(GrainRoles.Predictor)]
    [InlineData(GrainRoles.Vocoder)]
    public async Task ARoleSiloThatDiesMidRequestFailsItNamingThatRoleWithoutInternals(string role)
    {
        await using var cluster = await FailoverCluster.StartAsync(models.Directory, Gateway, [GrainRoles.Talker], [GrainRoles.Predictor], [GrainRoles.Vocoder]);
        var board = cluster.Cluster.Silos.Single(s => cluster.RolesOf(s.Name).SequenceEqual([role]));
        await using var chunks = cluster.Client.GetGrain<ISynthesisGrain>(Guid.NewGuid().ToString("N")).SynthesizeAsync(Request).WithBatchSize(1).GetAsyncEnumerator();
        Assert.True(await chunks.MoveNextAsync());

        var clock = Stopwatch.StartNew();
        await cluster.Cluster.KillSiloAsync(board);
        var failure = await Assert.ThrowsAsync<RoleFailureException>(async () =>
        {
            while (await chunks.MoveNextAsync())
            {
            }
        }).WaitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"{role}: failed {clock.Elapsed.TotalSeconds:F1} s after the kill: {failure.Message}");

        Assert.Equal(role, failure.Role);
        Assert.Equal(RoleFailure.Unavailable, failure.Failure);
        Assert.DoesNotContain("127.0.0.1", failure.Message);
        // Detected by the probes (faultDetection), not by the 10 s response timeout these clusters use.
        Assert.True(clock.Elapsed < RoleClusterFixture.ResponseTimeout, $"the failure surfaced only after {clock.Elapsed.TotalSeconds:F1} s");
    }
}
