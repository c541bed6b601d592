using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Qwen3Tts.Gateway.Security;

/// <summary>Says at start, once, when the HTTP API is reachable from other machines and anyone there may use it.</summary>
public sealed class NetworkExposureWarning(GatewayOptions options, ILogger<NetworkExposureWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Message(options) is { } message)
        {
            logger.LogWarning("{Warning}", message);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The warning for these options, or null when the API is loopback-only or needs a key.</summary>
    public static string? Message(GatewayOptions options)
    {
        var exposed = options.NetworkUrls();
        if (exposed.Count == 0 || options.ResolveApiKeys().Count > 0)
        {
            return null;
        }
        var dashboard = options.AllowOpenDashboard
            ? "the dashboard and its live log stream are open to the network too (gateway.allowOpenDashboard)"
            : "the dashboard stays local to this machine";
        return $"the HTTP API listens on {string.Join(", ", exposed)} without API keys: anyone who can reach this machine can synthesize speech; " +
               $"set gateway.apiKeys in cluster.json (or QWEN3_TTS_API_KEYS) to require a key ({dashboard})";
    }
}
