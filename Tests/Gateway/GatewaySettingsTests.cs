using System.Net;
using Qwen3Tts.Gateway;
using Qwen3Tts.Grains;
using Qwen3Tts.Silo;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>The gateway section of cluster.json, its command-line switches, and startup failures.</summary>
public sealed class GatewaySettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-gateway-settings-").FullName;

    [Fact]
    public void DefaultsServeLoopbackOnPort8080WithOpenAccess()
    {
        var options = new GatewayOptions { ApiKeysVariable = "QWEN3_TTS_TEST_UNSET_" + Guid.NewGuid().ToString("N") };

        Assert.Equal("http://127.0.0.1:8080", options.Urls);
        Assert.Empty(options.ResolveApiKeys());
        Assert.Equal(16_384, options.MaxInputCharacters);
        Assert.Equal(1024 * 1024, options.MaxRequestBytes);
        Assert.EndsWith(Path.Combine(".local", "share", "qwen3-tts", "voices"), options.ResolveVoicesDirectory());
    }

    [Fact]
    public void KeysComeFromTheListAndTheVariable()
    {
        var variable = "QWEN3_TTS_TEST_KEYS_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, " k2 , k3,,");
        try
        {
            var options = new GatewayOptions { ApiKeys = ["k1"], ApiKeysVariable = variable };

            Assert.Equal(["k1", "k2", "k3"], options.ResolveApiKeys().Order());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:9000")]
    [InlineData("http://0.0.0.0:8080;http://[::1]:8080", "http://0.0.0.0:9000;http://[::1]:9000")]
    [InlineData("http://*:80", "http://*:9000")]
    [InlineData("http://localhost", "http://localhost:9000")]
    public void PortKeepsTheConfiguredHosts(string urls, string expected)
    {
        var options = new GatewayOptions { Urls = urls };

        options.UsePort(9000);

        Assert.Equal(expected, options.Urls);
    }

    [Fact]
    public void ClusterJsonGatewaySectionAndSwitchesAreRead()
    {
        var config = Path.Combine(_dir, "cluster.json");
        File.WriteAllText(config, """
            { "gateway": { "urls": "http://0.0.0.0:8000", "apiKeys": [ "secret" ], "maxInputCharacters": 100, "maxRequestBytes": 2048 } }
            """);

        var fromFile = SiloHosting.LoadSettings(["--config", config]);
        var switched = SiloHosting.LoadSettings(["--config", config, "--port", "9001", "--voices", "/srv/voices"]);
        var urls = SiloHosting.LoadSettings(["--config", config, "--urls", "http://127.0.0.1:7000"]);

        Assert.Equal("http://0.0.0.0:8000", fromFile.Gateway.Urls);
        Assert.Equal(["secret"], fromFile.Gateway.ApiKeys);
        Assert.Equal(100, fromFile.Gateway.MaxInputCharacters);
        Assert.Equal(2048, fromFile.Gateway.MaxRequestBytes);
        Assert.Equal("http://0.0.0.0:9001", switched.Gateway.Urls);
        Assert.Equal("/srv/voices", switched.Gateway.VoicesDirectory);
        Assert.Equal("http://127.0.0.1:7000", urls.Gateway.Urls);
        Assert.Throws<ArgumentException>(() => SiloHosting.LoadSettings(["--config", config, "--port", "eighty"]));
    }

    [Fact]
    public void ASiloHasExactlyTheRolesItsEntryLists()
    {
        // A gateway-only entry must not also host (and load models for) the worker roles.
        var config = Path.Combine(_dir, "cluster.json");
        File.WriteAllText(config, """
            { "silos": [ { "name": "front", "roles": [ "gateway" ] }, { "name": "board", "roles": [ "talker", "vocoder" ] }, { "name": "any" } ] }
            """);

        Assert.Equal(["gateway"], SiloHosting.LoadSettings(["--config", config, "--silo", "front"]).ResolveSilo().Roles);
        Assert.Equal(["talker", "vocoder"], SiloHosting.LoadSettings(["--config", config, "--silo", "board"]).ResolveSilo().Roles);
        Assert.Equal(["talker", "predictor", "vocoder", "gateway"], SiloHosting.LoadSettings(["--config", config, "--silo", "any"]).ResolveSilo().Roles);
    }

    [Fact]
    public void NonsenseLimitsAreRefusedAtStartup()
    {
        var settings = GatewayServer.Settings([GrainRoles.Gateway], null, gateway => gateway.MaxRequestBytes = 0);

        var error = Assert.Throws<ArgumentException>(() => SiloApp.Build(settings));

        Assert.Contains("maxRequestBytes", error.Message);
    }

    [Fact]
    public void CloningLimitsAndTheLibrarySizeAreReadAndNonsenseIsRefused()
    {
        var config = Path.Combine(_dir, "cluster.json");
        File.WriteAllText(config, """
            { "gateway": { "cloning": { "maxSeconds": 12.5, "maxUploadBytes": 4096, "maxReferenceTextCharacters": 300 }, "voiceLibrary": { "maxVoices": 7 } } }
            """);

        var settings = SiloHosting.LoadSettings(["--config", config]);
        var tooLong = GatewayServer.Settings([GrainRoles.Gateway], null, gateway => gateway.Cloning.MaxSeconds = 61);
        var noVoices = GatewayServer.Settings([GrainRoles.Gateway], null, gateway => gateway.VoiceLibrary.MaxVoices = 0);

        Assert.Equal(12.5, settings.Gateway.Cloning.MaxSeconds);
        Assert.Equal(4096, settings.Gateway.Cloning.MaxUploadBytes);
        Assert.Equal(300, settings.Gateway.Cloning.MaxReferenceTextCharacters);
        Assert.Equal(7, settings.Gateway.VoiceLibrary.MaxVoices);
        Assert.Contains("cloning.maxSeconds", Assert.Throws<ArgumentException>(() => SiloApp.Build(tooLong)).Message);
        Assert.Contains("voiceLibrary.maxVoices", Assert.Throws<ArgumentException>(() => SiloApp.Build(noVoices)).Message);
    }

    [Fact]
    public async Task AnHttpPortInUseIsAOneLineStartupError()
    {
        using var held = GatewayServer.HoldPort();
        var port = ((IPEndPoint)held.LocalEndpoint).Port;
        var settings = GatewayServer.Settings([GrainRoles.Gateway], null, gateway => gateway.Urls = $"http://127.0.0.1:{port}");

        using var host = SiloApp.Build(settings);
        var error = await Assert.ThrowsAsync<PortInUseException>(() => SiloApp.StartAsync(host));

        Assert.Contains("already in use", error.Message);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        await host.StopAsync();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
