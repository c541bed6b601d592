namespace Qwen3Tts.Client;

/// <summary>Where the cluster is: localhost gateways by default, or the AdoNet membership table.</summary>
public sealed class Qwen3TtsClientOptions
{
    public string ClusterId { get; set; } = "qwen3-tts";

    public string ServiceId { get; set; } = "qwen3-tts";

    /// <summary>Gateway ports on this machine (localhost clustering).</summary>
    public List<int> GatewayPorts { get; set; } = [30000];

    /// <summary>When set, gateways are found in this database (AdoNet clustering) instead of on localhost.</summary>
    public string? AdoNetConnectionString { get; set; }

    public string AdoNetInvariant { get; set; } = "Npgsql";

    /// <summary>Upper bound on any single grain call.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
