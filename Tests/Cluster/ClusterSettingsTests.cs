using Qwen3Tts.Silo;

namespace Qwen3Tts.Tests.Cluster;

public sealed class ClusterSettingsTests
{
    private const string Json = """
        {
          "cluster": { "clusterId": "c1", "clustering": "adonet", "adoNet": { "connectionStringVariable": "MY_DB" } },
          "talker": { "maxSequences": 2 },
          "quant": "bf16",
          "silos": [
            { "name": "board-1", "roles": [ "talker" ], "siloPort": 11111, "gatewayPort": 30000 },
            { "name": "board-2", "roles": [ "predictor", "vocoder" ], "host": "10.0.0.2", "siloPort": 11112, "gatewayPort": 30001 }
          ]
        }
        """;

    private static ClusterSettings Load(params string[] extra)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cluster-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Json);
        try
        {
            return SiloHosting.LoadSettings(["--config", path, .. extra]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_silo_entry_comes_from_cluster_json_and_the_command_line_overrides_its_roles()
    {
        var settings = Load("--silo", "board-2", "--roles", "vocoder", "--models", "/data/models");
        var entry = settings.ResolveSilo();

        Assert.Equal("c1", settings.Cluster.ClusterId);
        Assert.Equal("adonet", settings.Cluster.Clustering);
        Assert.Equal("MY_DB", settings.Cluster.AdoNet.ConnectionStringVariable);
        Assert.Equal(2, settings.Talker.MaxSequences);
        Assert.Equal("/data/models", settings.Models.Directory);
        Assert.Equal(["vocoder"], entry.Roles);
        Assert.Equal("10.0.0.2", entry.Host);
        Assert.Equal(30001, entry.GatewayPort);
    }

    [Fact]
    public void Quant_and_eos_come_from_cluster_json_or_the_command_line_and_a_bad_value_names_the_choices()
    {
        Assert.Equal((Inference.Checkpoints.WeightPrecision.BF16, (Inference.Sampling.EosMode?)null), (Load().ResolveQuant(), Load().ResolveEos()));
        Assert.Equal((Inference.Checkpoints.WeightPrecision.F32, Inference.Sampling.EosMode.Never), (Load("--quant", "f32", "--eos", "never").ResolveQuant(), Load("--eos", "never").ResolveEos()));
        Assert.Equal(Inference.Checkpoints.WeightPrecision.Q8_0, new ClusterSettings().ResolveQuant());
        Assert.Contains("q8_0, q4_0", Assert.Throws<InvalidOperationException>(() => Load("--quant", "int3").ResolveQuant()).Message);
        Assert.Contains("official, seed or never", Assert.Throws<InvalidOperationException>(() => Load("--eos", "maybe").ResolveEos()).Message);
    }

    [Fact]
    public void The_talker_engine_comes_from_cluster_json_or_the_command_line()
    {
        Assert.Equal(Inference.Talker.TalkerBackend.Managed, Load().Talker.Engine);
        Assert.Equal(Inference.Talker.TalkerBackend.Llama, Load("--talker-engine", "Llama").Talker.Engine);
        var error = Assert.ThrowsAny<Exception>(() => Load("--talker-engine", "onnx"));
        Assert.Contains("talker:engine", error.Message + error.InnerException?.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_entry_has_exactly_the_roles_cluster_json_lists_and_every_role_when_it_lists_none()
    {
        Assert.Equal(["predictor", "vocoder"], Load("--silo", "board-2").ResolveSilo().Roles);
        Assert.Equal(["talker"], Load("--silo", "board-1").ResolveSilo().Roles);
        Assert.Equal(["talker", "predictor", "vocoder", "gateway"], new ClusterSettings().ResolveSilo().Roles);
    }

    [Fact]
    public void Unknown_silo_names_and_roles_are_clear_errors()
    {
        Assert.Contains("no silo named 'board-9'", Assert.Throws<InvalidOperationException>(() => Load("--silo", "board-9").ResolveSilo()).Message);
        Assert.Contains("unknown role(s) singer", Assert.Throws<InvalidOperationException>(() => Load("--roles", "talker,singer").ResolveSilo()).Message);
    }
}
