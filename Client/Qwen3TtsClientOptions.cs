namespace Qwen3Tts.Client;

/// <summary>Where the cluster is: localhost gateways by default, or the AdoNet membership table.</summary>
public sealed class Qwen3TtsClientOptions
{
    public string ClusterId { get; set; } = "qwen3-tts";

    public string ServiceId { get; set; } = "qwen3-tts";

    /// <summary>Gateway ports on this machine (localhost clustering); ignored when <see cref="Gateways"/> is set.</summary>
    public List<int> GatewayPorts { get; set; } = [30000];

    /// <summary>Gateway silos on other machines as <c>host:port</c> (static clustering, no database).</summary>
    public List<string> Gateways { get; set; } = [];

    /// <summary>When set, gateways are found in this database (AdoNet clustering) instead of on localhost.</summary>
    public string? AdoNetConnectionString { get; set; }

    public string AdoNetInvariant { get; set; } = "Npgsql";

    /// <summary>How long <see cref="Qwen3TtsClient.ConnectAsync"/> waits for a gateway; Orleans itself retries for minutes.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Where the Orleans client logs; null = nowhere, so a library never writes to the host's console.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? Logging { get; set; }

    /// <summary>Upper bound on any single grain call.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
