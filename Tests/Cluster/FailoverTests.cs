using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>A board unplugged and plugged back in: requests go to the silos that are left, or fail naming the missing role.</summary>
public sealed class FailoverTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>, IAsyncLifetime
{
    /// <summary>Generous against a loaded test machine; what matters is that a request ends instead of hanging.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static readonly string[] GatewayBoard = [GrainRoles.Talker, GrainRoles.Vocoder, GrainRoles.Gateway];
    private static readonly string[] PredictorBoard = [GrainRoles.Predictor];

    private static readonly SynthesisRequestDto Request = new("Boards come and go.", "english", Seed: 31, MaxFrames: 40);

    private LocalTtsModels _local = null!;
    private float[] _expected = [];

    public async Task InitializeAsync()
    {
        _local = models.Load(RoleClusterFixture.TalkerOptions());
        _expected = (await new SpeechSynthesizer(_local).SynthesizeAsync(Request.ToInference())).Samples;
    }

    public Task DisposeAsync()
    {
        _local.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<float[]> SynthesizeAsync(FailoverCluster cluster) =>
        await RoleClusterFixture.CollectAsync(cluster.Client.GetGrain<ISynthesisGrain>(Guid.NewGuid().ToString("N")).SynthesizeAsync(Request))
            .WaitAsync(Bound);

    [Fact]
    public async Task When_one_of_two_predictor_silos_dies_new_requests_complete_on_the_other()
    {
        await using var cluster = await FailoverCluster.StartAsync(models.Directory, GatewayBoard, PredictorBoard, PredictorBoard);
        Assert.Equal(_expected, await SynthesizeAsync(cluster));
        var predictors = cluster.Cluster.Silos.Where(s => cluster.RolesOf(s.Name).Contains(GrainRoles.Predictor)).ToList();

        await cluster.Cluster.KillSiloAsync(predictors[0]);

        // Each request's predictor is placed when it starts, among the predictor silos alive then.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(_expected, await SynthesizeAsync(cluster));
            Assert.Equal(predictors[1].Name, await PredictorSiloAsync(cluster));
        }
    }

    [Fact]
    public async Task Without_a_predictor_silo_a_request_fails_naming_the_role_and_succeeds_again_once_one_returns()
    {
        await using var cluster = await FailoverCluster.StartAsync(models.Directory, GatewayBoard, PredictorBoard);
        Assert.Equal(_expected, await SynthesizeAsync(cluster));

        await cluster.Cluster.KillSiloAsync(cluster.Cluster.Silos.Single(s => cluster.RolesOf(s.Name).SequenceEqual(PredictorBoard)));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => SynthesizeAsync(cluster));

        var failure = Assert.IsType<RoleFailureException>(error);
        Assert.Equal((GrainRoles.Predictor, RoleFailure.Unavailable), (failure.Role, failure.Failure));
        Assert.Contains("no live silo hosts the 'predictor' role", error.Message);
        Assert.Contains("--roles predictor", error.Message); // what to start
        Assert.DoesNotContain("127.0.0.1", error.Message); // silo addresses stay in the logs

        var returned = await cluster.StartSiloAsync(PredictorBoard);
        Assert.Equal(_expected, await SynthesizeAsync(cluster));
        Assert.Equal(returned.Name, await PredictorSiloAsync(cluster));
    }

    /// <summary>Where a new request's predictor would be placed now.</summary>
    private static async Task<string> PredictorSiloAsync(FailoverCluster cluster)
    {
        var grain = cluster.Client.GetGrain<IPredictorGrain>("where-" + Guid.NewGuid().ToString("N"));
        var address = await grain.GetSiloAsync();
        await grain.ReleaseAsync();
        return cluster.Cluster.Silos.Single(s => s.SiloAddress.ToString() == address).Name;
    }
}
