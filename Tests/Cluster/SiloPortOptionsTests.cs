using System.Net;
using System.Net.Sockets;
using Qwen3Tts.Grains;
using Qwen3Tts.Silo;
using Qwen3Tts.Tests.Gateway;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>`--host`, `--silo-port`, `--gateway-port`, and a silo refusing Orleans ports another process listens on.</summary>
public sealed class SiloPortOptionsTests : IDisposable
{
    private readonly string _config = Path.Combine(Directory.CreateTempSubdirectory("qwen3-ports-").FullName, "cluster.json");

    public SiloPortOptionsTests() =>
        File.WriteAllText(_config, """{ "silos": [ { "name": "board", "host": "10.0.0.2", "siloPort": 11111, "gatewayPort": 30000 } ] }""");

    [Fact]
    public void HostAndPortsFromTheCommandLineOverrideTheEntry()
    {
        Assert.Equal("10.0.0.2", SiloHosting.LoadSettings(["--config", _config]).ResolveSilo().Host);

        var entry = SiloHosting.LoadSettings(["--config", _config, "--host", "10.0.0.7", "--silo-port", "12001", "--gateway-port", "12002"]).ResolveSilo();

        Assert.Equal("10.0.0.7", entry.Host);
        Assert.Equal(12001, entry.SiloPort);
        Assert.Equal(12002, entry.GatewayPort);
    }

    [Theory]
    [InlineData("--host", "board-one", "is not an IP address")]
    [InlineData("--silo-port", "0", "--silo-port 0 is not a TCP port")]
    [InlineData("--gateway-port", "70000", "--gateway-port 70000 is not a TCP port")]
    public void BadValuesNameTheOption(string option, string value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => SiloHosting.LoadSettings(["--config", _config, option, value]).ResolveSilo());

        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnOrleansPortAnotherProcessListensOnStopsTheSiloAtOnce(bool siloPort)
    {
        // As Orleans' own listener does: address reuse, which on Linux also lets a second such listener share the port.
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        other.Listen();
        var port = ((IPEndPoint)other.LocalEndPoint!).Port;
        var settings = GatewayServer.Settings([GrainRoles.Gateway], null);
        if (siloPort)
        {
            settings.Silos[0].SiloPort = port;
        }
        else
        {
            settings.Silos[0].GatewayPort = port;
        }

        // Refused while building, before any model would load.
        var error = Assert.Throws<PortInUseException>(() => SiloApp.Build(settings));

        Assert.Contains($"{(siloPort ? "silo port" : "gateway port")} {port}", error.Message);
        Assert.Contains(siloPort ? "--silo-port" : "--gateway-port", error.Message);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_config)!, recursive: true);
}
