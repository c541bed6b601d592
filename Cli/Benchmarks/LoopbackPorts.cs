using System.Net;
using System.Net.Sockets;

namespace Qwen3Tts.Cli.Benchmarks;

/// <summary>Free TCP ports on 127.0.0.1 for the benchmarks' throwaway clusters.</summary>
internal static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
