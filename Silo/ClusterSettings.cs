using System.Net;
using Qwen3Tts.Gateway;
using Qwen3Tts.Grains;
using Qwen3Tts.Grains.Admission;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Silo;

/// <summary>cluster.json, merged with environment variables (<c>QWEN3_TTS_</c> prefix) and the command line.</summary>
public sealed class ClusterSettings
{
    public ClusterSection Cluster { get; set; } = new();

    public ModelsSection Models { get; set; } = new();

    public TalkerOptions Talker { get; set; } = new();

    public VocoderOptions Vocoder { get; set; } = new();

    /// <summary>
    /// Precision an official snapshot is loaded in (talker runtime GGUF and predictor weights): f32, bf16, f16,
    /// q8_0 or q4_0 (<c>--quant</c>); the seed layout's files are used as they are.
    /// </summary>
    public string Quant { get; set; } = "q8_0";

    /// <summary>How utterances end when a request names no mode: official (default), seed or never (<c>--eos</c>).</summary>
    public string? Eos { get; set; }

    /// <summary>
    /// Cores this process plans its compute threads for (talker, predictor, decoder; see ThreadBudget);
    /// 0 = detect (big cores only on big.LITTLE boards). Per-engine thread settings still win.
    /// </summary>
    public int Threads { get; set; }

    /// <summary>The code predictor: batch size across concurrent requests, threads.</summary>
    public PredictorOptions Predictor { get; set; } = new();

    /// <summary>Sentence chunking of long texts: maxChunkCharacters, maxChunkFrames, sentencePause, clausePause.</summary>
    public Inference.Pipeline.LongTextOptions LongText { get; set; } = new();

    /// <summary>The HTTP API, served by silos with the gateway role.</summary>
    public GatewayOptions Gateway { get; set; } = new();

    /// <summary>The talker silos' bounded queue of requests waiting for a KV sequence.</summary>
    public TalkerQueueOptions TalkerQueue { get; set; } = new();

    public FaultDetectionSection FaultDetection { get; set; } = new();

    public ShutdownSection Shutdown { get; set; } = new();

    public List<SiloEntry> Silos { get; set; } = [];

    /// <summary>Which <see cref="Silos"/> entry this process is (<c>--silo NAME</c>); null = the first, or a default local silo.</summary>
    public string? Silo { get; set; }

    /// <summary><c>--roles talker,predictor</c>: overrides the entry's roles.</summary>
    public string? Roles { get; set; }

    public WeightPrecision ResolveQuant() => WeightPrecisionNames.TryParse(Quant, out var quant)
        ? quant
        : throw new InvalidOperationException($"quant '{Quant}' is not a precision; use one of {string.Join(", ", WeightPrecisionNames.All)}");

    public EosMode? ResolveEos() => Eos is null ? null
        : EosModes.TryParse(Eos, out var eos) ? eos : throw new InvalidOperationException($"eos '{Eos}' is not an EOS mode; use official, seed or never");

    /// <summary><c>--host ADDRESS</c> of <c>qwen3-tts silo</c>: overrides the entry's host (the address the other silos reach it at).</summary>
    public string? SiloHost { get; set; }

    /// <summary><c>--silo-port</c>: overrides the entry's Orleans silo-to-silo port.</summary>
    public int? SiloPort { get; set; }

    /// <summary><c>--gateway-port</c>: overrides the entry's Orleans client gateway port.</summary>
    public int? GatewayPort { get; set; }

    /// <summary>The entry this process runs as; with no entries at all, one local silo with every role.</summary>
    public SiloEntry ResolveSilo()
    {
        var entry = Silo is null
            ? Silos.FirstOrDefault() ?? new SiloEntry()
            : Silos.FirstOrDefault(s => string.Equals(s.Name, Silo, StringComparison.OrdinalIgnoreCase))
              ?? throw new InvalidOperationException($"cluster.json has no silo named '{Silo}'; it has: {string.Join(", ", Silos.Select(s => s.Name))}");
        if (Roles is not null)
        {
            entry.Roles = [.. Roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        }
        if (SiloHost is not null)
        {
            entry.Host = IPAddress.TryParse(SiloHost, out _) ? SiloHost
                : throw new ArgumentException($"--host '{SiloHost}' is not an IP address (the address the other silos reach this one at, e.g. 192.168.1.20)");
        }
        entry.SiloPort = SiloPort is { } siloPort ? CheckedPort("--silo-port", siloPort) : entry.SiloPort;
        entry.GatewayPort = GatewayPort is { } gatewayPort ? CheckedPort("--gateway-port", gatewayPort) : entry.GatewayPort;
        if (entry.Roles.Count == 0)
        {
            entry.Roles = [.. SiloEntry.AllRoles];
        }
        var known = SiloEntry.AllRoles;
        var unknown = entry.Roles.Where(r => !known.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"unknown role(s) {string.Join(", ", unknown)} for silo '{entry.Name}'; roles are {string.Join(", ", known)}");
        }
        return entry;
    }

    private static int CheckedPort(string option, int port) =>
        port is >= 1 and <= 65535 ? port : throw new ArgumentException($"{option} {port} is not a TCP port (1..65535)");
}

public sealed class ClusterSection
{
    public string ClusterId { get; set; } = "qwen3-tts";

    public string ServiceId { get; set; } = "qwen3-tts";

    /// <summary><c>localhost</c> (one machine) or <c>adonet</c> (a shared database, e.g. PostgreSQL).</summary>
    public string Clustering { get; set; } = "localhost";

    public AdoNetSection AdoNet { get; set; } = new();

    /// <summary>Localhost clustering: the directory of the shared membership file (default: $XDG_RUNTIME_DIR/qwen3-tts).</summary>
    public string? MembershipDirectory { get; set; }
}

public sealed class AdoNetSection
{
    public string Invariant { get; set; } = "Npgsql";

    public string? ConnectionString { get; set; }

    /// <summary>Environment variable holding the connection string, so cluster.json need not contain a password.</summary>
    public string ConnectionStringVariable { get; set; } = "QWEN3_TTS_DB";

    public string ResolveConnectionString() =>
        ConnectionString is { Length: > 0 } direct ? direct
        : Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } fromEnv ? fromEnv
        : throw new InvalidOperationException($"adonet clustering needs cluster.adoNet.connectionString or the {ConnectionStringVariable} environment variable");
}

public sealed class ModelsSection
{
    public string? Directory { get; set; }

    public string? Repository { get; set; }
}

public sealed class SiloEntry
{
    public string Name { get; set; } = "local";

    /// <summary>
    /// The roles listed in cluster.json; empty means every role (<see cref="ClusterSettings.ResolveSilo"/>). The default
    /// must stay empty: the configuration binder appends a file's list to the initial one instead of replacing it.
    /// </summary>
    public List<string> Roles { get; set; } = [];

    public static IReadOnlyList<string> AllRoles { get; } = [GrainRoles.Talker, GrainRoles.Predictor, GrainRoles.Vocoder, GrainRoles.Gateway];

    public string Host { get; set; } = "127.0.0.1";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;
}
