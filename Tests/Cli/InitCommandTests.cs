using Qwen3Tts.Grains;
using Qwen3Tts.Silo;

namespace Qwen3Tts.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class InitCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("qwen3tts-init-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string ConfigPath => Path.Combine(_work, "cluster.json");

    private SiloEntry Resolve(string silo) => SiloHosting.LoadSettings(["--config", ConfigPath, "--silo", silo]).ResolveSilo();

    [Fact]
    public async Task Boards_with_the_same_address_share_one_silo_and_every_silo_resolves_its_roles()
    {
        var run = await CliHarness.RunAsync([
            "init", "--talker-ip", "10.0.0.2", "--predictor-ip", "10.0.0.3", "--vocoder-ip", "10.0.0.3",
            "--db", "Host=db;Database=qwen3tts", "--models", "/opt/models", "-o", ConfigPath,
        ]);

        Assert.Equal(0, run.ExitCode);
        var settings = SiloHosting.LoadSettings(["--config", ConfigPath]);
        Assert.Equal("adonet", settings.Cluster.Clustering);
        Assert.Equal("Host=db;Database=qwen3tts", settings.Cluster.AdoNet.ResolveConnectionString());
        Assert.Equal("/opt/models", settings.Models.Directory);
        Assert.Equal(Inference.Talker.TalkerBackend.Managed, settings.Talker.Engine);
        Assert.Contains("\"engine\": \"managed\"", File.ReadAllText(ConfigPath));
        Assert.Equal(["talker-gateway", "predictor-vocoder"], settings.Silos.Select(s => s.Name));

        var talker = Resolve("talker-gateway");
        Assert.Equal([GrainRoles.Talker, GrainRoles.Gateway], talker.Roles);
        Assert.Equal("10.0.0.2", talker.Host);
        var worker = Resolve("predictor-vocoder");
        Assert.Equal([GrainRoles.Predictor, GrainRoles.Vocoder], worker.Roles);
        Assert.Equal("10.0.0.3", worker.Host);
        Assert.Equal((11111, 30000), (worker.SiloPort, worker.GatewayPort));

        Assert.Contains("qwen3-tts silo --config cluster.json --silo talker-gateway", run.Output);
        Assert.Contains("qwen3-tts silo --config cluster.json --silo predictor-vocoder", run.Output);
        Assert.Contains("qwen3-tts cluster init-db --connection-string 'Host=db;Database=qwen3tts'", run.Output);
    }

    [Fact]
    public async Task A_separate_gateway_board_gets_its_own_silo_and_the_connection_string_stays_in_the_environment()
    {
        var run = await CliHarness.RunAsync([
            "init", "--talker-ip", "10.0.0.2", "--predictor-ip", "10.0.0.3", "--vocoder-ip", "10.0.0.4", "--gateway-ip", "10.0.0.5", "-o", ConfigPath,
        ]);

        Assert.Equal(0, run.ExitCode);
        var settings = SiloHosting.LoadSettings(["--config", ConfigPath]);
        Assert.Null(settings.Cluster.AdoNet.ConnectionString);
        Assert.Equal("QWEN3_TTS_DB", settings.Cluster.AdoNet.ConnectionStringVariable);
        Assert.Null(settings.Models.Directory);
        var expected = new[] { ("talker", "10.0.0.2"), ("predictor", "10.0.0.3"), ("vocoder", "10.0.0.4"), ("gateway", "10.0.0.5") };
        foreach (var (role, host) in expected)
        {
            var entry = Resolve(role);
            Assert.Equal([role], entry.Roles);
            Assert.Equal(host, entry.Host);
        }
        Assert.Contains("export QWEN3_TTS_DB=", run.Output);
        Assert.Contains("qwen3-tts cluster init-db\n", run.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_loopback_board_beside_lan_boards_is_warned_about()
    {
        var run = await CliHarness.RunAsync(["init", "--talker-ip", "127.0.0.1", "--predictor-ip", "10.0.0.3", "-o", ConfigPath]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("warning: silo 'talker-gateway' advertises 127.0.0.1", run.Error);
        Assert.Equal([GrainRoles.Predictor, GrainRoles.Vocoder], Resolve("predictor-vocoder").Roles);
    }

    [Theory]
    [InlineData("--predictor-ip", "10.0.0")]
    [InlineData("--predictor-ip", "board-2.local")]
    [InlineData("--vocoder-ip", "10.0.0.300")]
    [InlineData("--gateway-ip", "0.0.0.0")]
    public async Task A_bad_address_is_a_usage_error_naming_the_option_and_writes_nothing(string option, string value)
    {
        string[] args = ["init", "--talker-ip", "10.0.0.2", "--predictor-ip", "10.0.0.3", "-o", ConfigPath];
        var index = Array.IndexOf(args, option);
        args = index >= 0 ? [.. args[..(index + 1)], value, .. args[(index + 2)..]] : [.. args, option, value];

        var run = await CliHarness.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {option} '{value}' is not a board address", run.Error);
        Assert.Empty(Directory.GetFiles(_work));
    }

    [Fact]
    public async Task An_existing_file_is_kept_unless_forced()
    {
        await File.WriteAllTextAsync(ConfigPath, "{ \"mine\": true }");
        string[] args = ["init", "--talker-ip", "10.0.0.2", "--predictor-ip", "10.0.0.3", "-o", ConfigPath];

        var refused = await CliHarness.RunAsync(args);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("already exists; use --force", refused.Error);
        Assert.Equal("{ \"mine\": true }", await File.ReadAllTextAsync(ConfigPath));

        var forced = await CliHarness.RunAsync([.. args, "--force"]);

        Assert.Equal(0, forced.ExitCode);
        Assert.Equal("10.0.0.2", Resolve("talker-gateway").Host);
        Assert.Equal([ConfigPath], Directory.GetFiles(_work));
    }
}
