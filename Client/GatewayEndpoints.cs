using System.Net;

namespace Qwen3Tts.Client;

/// <summary>Turns the configured gateways into endpoints, naming the entry that is wrong.</summary>
internal static class GatewayEndpoints
{
    public static IPEndPoint[] Resolve(Qwen3TtsClientOptions options)
    {
        if (options.Gateways.Count == 0)
        {
            return [.. options.GatewayPorts.Select(port => new IPEndPoint(IPAddress.Loopback, port))];
        }
        return [.. options.Gateways.Select(Parse)];
    }

    private static IPEndPoint Parse(string gateway)
    {
        var colon = gateway.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
        {
            throw new ArgumentException($"gateway '{gateway}' is not host:port");
        }
        var host = gateway[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }
        var addresses = Dns.GetHostAddresses(host);
        return addresses.Length > 0
            ? new IPEndPoint(addresses[0], port)
            : throw new ArgumentException($"gateway host '{host}' does not resolve");
    }
}
