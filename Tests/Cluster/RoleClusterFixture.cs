using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Qwen3Tts.Grains;
using Qwen3Tts.Grains.Hosting;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// Three in-process silos, one role each (Silo_0 talker, Silo_1 predictor, Silo_2 vocoder), over the tiny
/// synthetic models, plus the same models loaded in-process as the reference.
/// </summary>
public sealed class RoleClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(10);

    private readonly string _modelsDirectory = Path.Combine(Path.GetTempPath(), "qwen3tts-cluster-" + Guid.NewGuid().ToString("N"));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public LocalTtsModels Local { get; private set; } = null!;

    public static IReadOnlyDictionary<string, string> RoleOfSilo { get; } = new Dictionary<string, string>
    {
        ["Silo_0"] = GrainRoles.Talker,
        ["Silo_1"] = GrainRoles.Predictor,
        ["Silo_2"] = GrainRoles.Vocoder,
    };

    public static TalkerOptions TalkerOptions() => new() { ContextPerSequence = 512, MaxSequences = 4, Threads = 1 };

    public async Task InitializeAsync()
    {
        await SyntheticModelKit.WriteAsync(_modelsDirectory, SyntheticPreset.Tiny, seed: 11);
        Local = LocalTtsModels.Load(new ModelStore(new ModelStoreOptions { ModelsDirectory = _modelsDirectory }), TalkerOptions());

        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddTtsRoles(new TtsSiloOptions
            {
                Roles = [RoleOfSilo[options.SiloName]],
                ModelsDirectory = _modelsDirectory,
                Talker = TalkerOptions(),
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        });
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await Cluster.WaitForLivenessToStabilizeAsync();
        await Cluster.WaitForClusterManifestToStabilizeAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Local.Dispose();
        Directory.Delete(_modelsDirectory, recursive: true);
    }

    /// <summary>The role the silo at <paramref name="address"/> declared.</summary>
    public string RoleAt(string address) =>
        RoleOfSilo[Cluster.Silos.Single(s => s.SiloAddress.ToString() == address).Name];

    public static async Task<float[]> CollectAsync(IAsyncEnumerable<AudioChunkDto> chunks, CancellationToken cancellationToken = default)
    {
        var samples = new List<float>();
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            samples.AddRange(TensorBytes.ToFloats(chunk.Samples));
        }
        return samples.ToArray();
    }
}
