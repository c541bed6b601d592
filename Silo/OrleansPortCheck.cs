using System.Net;
using System.Net.Sockets;

namespace Qwen3Tts.Silo;

/// <summary>
/// Refuses to start a silo whose Orleans ports another process already listens on. Orleans' listener asks for
/// address reuse, which .NET on Linux turns into SO_REUSEPORT as well: a second silo on the same ports then binds
/// without an error and the kernel shares the connections between the two processes (seen here: two `serve`
/// processes both listening on 127.0.0.1:11111, each saying it was up). A plain bind of our own, without
/// SO_REUSEPORT, fails exactly when some process listens there; it ignores connections left in TIME_WAIT by a
/// silo that just stopped, so a quick restart is not refused.
/// </summary>
internal static class OrleansPortCheck
{
    /// <summary>
    /// Before anything loads (the models take seconds to minutes), so a second server on the same ports fails at once.
    /// The addresses are the ones <see cref="SiloHosting.UseTtsCluster"/> listens on: loopback for localhost
    /// clustering, every interface for adonet.
    /// </summary>
    public static void ThrowIfTaken(ClusterSettings settings)
    {
        var entry = settings.ResolveSilo();
        var address = string.Equals(settings.Cluster.Clustering, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Any;
        Check(new IPEndPoint(address, entry.SiloPort), "silo port", "--silo-port");
        Check(new IPEndPoint(address, entry.GatewayPort), "gateway port", "--gateway-port");
    }

    private static void Check(IPEndPoint endpoint, string what, string option)
    {
        if (endpoint.Port == 0)
        {
            return;
        }
        using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        AllowTimeWait(probe);
        try
        {
            probe.Bind(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new PortInUseException(
                $"the Orleans {what} {endpoint.Port} ({endpoint}) is already in use by another process (another silo or `serve`?); "
                + $"stop it or pick another port ({option}, or siloPort/gatewayPort in cluster.json)", e);
        }
    }

    // SO_REUSEADDR alone: .NET's ReuseAddress would add SO_REUSEPORT on Linux and defeat the check.
    private static void AllowTimeWait(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            socket.SetRawSocketOption(1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */, BitConverter.GetBytes(1));
        }
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            socket.SetRawSocketOption(0xffff /* SOL_SOCKET */, 4 /* SO_REUSEADDR */, BitConverter.GetBytes(1));
        }
        else if (OperatingSystem.IsWindows())
        {
            socket.ExclusiveAddressUse = true;
        }
    }
}
