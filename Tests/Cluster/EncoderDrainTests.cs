using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Qwen3Tts.Grains;
using Qwen3Tts.Grains.Lifetime;
using Qwen3Tts.Inference.Voices.Cloning;
using Qwen3Tts.Tests.Pipeline;
using Qwen3Tts.Tests.Voices;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// A voice upload's encodes (the codes on the vocoder board, the x-vector on the talker board) hold a place in their
/// silo's drain, as a synthesis does: a board stopped gracefully while it encodes finishes the clips it took, and a board
/// that is draining refuses a new clip with the same "shutting down" error a synthesis gets.
/// </summary>
public sealed class EncoderDrainTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private static readonly string[] GatewayBoard = [GrainRoles.Gateway];
    private static readonly string[] VocoderBoard = [GrainRoles.Vocoder];
    private static readonly string[] TalkerBoard = [GrainRoles.Talker, GrainRoles.Predictor];

    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-encoder-drain-").FullName;

    /// <summary>
    /// The stop begins while the board's encoder turn is taken (by work of this test's own, through the silo's
    /// <see cref="ClipTurns"/>) and a clip waits for it: the silo waits for both, and the clip gives what this process
    /// encodes from it.
    /// </summary>
    [Theory]
    [InlineData(GrainRoles.Vocoder)]
    [InlineData(GrainRoles.Talker)]
    public async Task StoppingABoardMidEncodeFinishesEveryClipItTookBeforeItLeaves(string role)
    {
        var set = CloneFixtures.ModelsWithSpeakerEncoder(models, Path.Combine(_dir, "base"));
        var clip = ReferenceClips.FromBytes(CloneFixtures.ReferenceWav(), "ref.wav", new CloneLimits());
        var store = models.Store(set);
        // Both as the tensor bytes the grain answers with: the codes, or the x-vector.
        var expected = role == GrainRoles.Vocoder
            ? TensorBytes.FromInt32s(new ReferenceCodesEncoder(store).Encode(clip.Samples, clip.SampleRate).Codes)
            : TensorBytes.FromFloats(new ReferenceSpeakerEncoder(store).Extract(clip.Samples, clip.SampleRate).Embedding);
        await using var cluster = await FailoverCluster.StartAsync(set, GatewayBoard, VocoderBoard, TalkerBoard);
        var board = BoardOf(cluster, role);
        var drain = board.ServiceProvider.GetRequiredService<SiloDrain>();
        using var release = new ManualResetEventSlim();
        var turnTaken = board.ServiceProvider.GetRequiredService<ClipTurns>().RunAsync(role, () => release.Wait(Bound), CancellationToken.None);
        Task<byte[]> encoding = role == GrainRoles.Vocoder
            ? cluster.Client.GetGrain<IVoiceEncoderGrain>(0).EncodeAsync(clip.ToDto()).ContinueWith(t => t.Result.Codes, TaskScheduler.Default)
            : cluster.Client.GetGrain<ISpeakerEncoderGrain>(0).ExtractAsync(clip.ToDto()).ContinueWith(t => t.Result.Embedding!, TaskScheduler.Default);
        await WaitUntilAsync(() => drain.InFlight == 2, encoding, $"the clip never took a place in the {role} silo's drain ({drain.InFlight} of 2 there)");

        var stopping = cluster.Cluster.StopSiloAsync(board);
        await WaitUntilAsync(() => drain.IsDraining, stopping, $"the {role} silo never began to drain");
        Assert.False(encoding.IsCompleted, "the clip was answered while the encoder's turn was still taken");
        Assert.False(stopping.IsCompleted, "the silo left while its encoder's work was under way");
        release.Set();
        var encoded = await encoding.WaitAsync(Bound);
        Assert.True(await turnTaken.WaitAsync(Bound));
        await stopping.WaitAsync(Bound);

        Assert.Equal(expected, encoded);
        Assert.Equal(0, drain.InFlight);
    }

    [Theory]
    [InlineData(GrainRoles.Vocoder)]
    [InlineData(GrainRoles.Talker)]
    public async Task ADrainingBoardRefusesANewClipNamingItsRole(string role)
    {
        var set = CloneFixtures.ModelsWithSpeakerEncoder(models, Path.Combine(_dir, "base"));
        var clip = ReferenceClips.FromBytes(CloneFixtures.ReferenceWav(), "ref.wav", new CloneLimits());
        await using var cluster = await FailoverCluster.StartAsync(set, GatewayBoard, VocoderBoard, TalkerBoard);
        var drain = BoardOf(cluster, role).ServiceProvider.GetRequiredService<SiloDrain>();

        drain.BeginDraining();
        var error = await Assert.ThrowsAsync<RoleFailureException>(() => cluster.Client.GetGrain<IVoiceCloneGrain>(0).EncodeAsync(clip.ToDto()).WaitAsync(Bound));

        Assert.Equal(role, error.Role);
        Assert.Equal(RoleFailure.Unavailable, error.Failure);
        Assert.Equal(SiloShutdown.Refusal(role).Message, error.Message);
        Assert.Equal(0, drain.InFlight);
    }

    private static InProcessSiloHandle BoardOf(FailoverCluster cluster, string role) =>
        (InProcessSiloHandle)cluster.Cluster.Silos.Single(s => cluster.RolesOf(s.Name).Contains(role));

    /// <summary>Polls <paramref name="condition"/> until it holds; fails if <paramref name="mustNotEnd"/> ends first or the bound passes.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, Task mustNotEnd, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(mustNotEnd.IsCompleted, failure);
            Assert.True(clock.Elapsed < Bound, failure);
            await Task.Delay(5);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
