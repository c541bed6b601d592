using System.Net;
using System.Net.Sockets;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// Listening ports for silo processes. Binding port 0 and releasing it hands out an ephemeral port, which
/// any outgoing connection on the machine (a database client, a NuGet download, another test run) may be
/// given before the silo, seconds later, binds it; two parallel test classes could also be handed the same
/// released port. These ports come from below the ephemeral ranges (Linux 32768-60999, Windows and macOS
/// 49152-65535), so the system never hands them to anyone, and a process-wide counter never repeats one.
/// </summary>
internal static class SiloPorts
{
    private const int First = 20000;
    private const int Count = 12000;

    // A random start keeps concurrently running test processes on the same machine apart.
    private static int _next = Random.Shared.Next(Count);

    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            if (IsFree(port))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"no free TCP port in {First}..{First + Count - 1}");
    }

    /// <summary>Another program listening there (a silo of a parallel test run, a local service) makes the port unusable.</summary>
    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
