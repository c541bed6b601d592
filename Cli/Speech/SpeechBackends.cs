using System.CommandLine;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Client;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Inference.Vocoder;
using Qwen3Tts.Silo;

namespace Qwen3Tts.Cli.Speech;

/// <summary>
/// Picks the backend: a cluster when <c>--cluster FILE</c> (or <c>QWEN3_TTS_CLUSTER</c>) names a cluster.json,
/// otherwise the embedded single-machine mode. A configured cluster that cannot be reached is an error,
/// never a silent fallback to loading models here.
/// </summary>
internal static class SpeechBackends
{
    public const string ClusterVariable = "QWEN3_TTS_CLUSTER";

    public static Option<string?> ClusterOption() => new("--cluster")
    {
        Description = $"Speak through the running cluster described by this cluster.json (default: ${ClusterVariable}; without either, models load in this process)",
    };

    public static string? ClusterConfig(string? option) =>
        option ?? (Environment.GetEnvironmentVariable(ClusterVariable) is { Length: > 0 } fromEnv ? fromEnv : null);

    /// <param name="quant">Precision of an official snapshot's weights in embedded mode.</param>
    /// <param name="progressTo">Where a first-load conversion reports its progress (stderr), or null.</param>
    /// <param name="oneRequestAtATime">
    /// Embedded mode serves one request at a time (speak: a long text's chunks follow each other), so the talker holds one
    /// KV sequence instead of <see cref="TalkerOptions.MaxSequences"/>: each costs 112 KB per position in f16 (0.6B, 28
    /// layers), 458 MB at 4096 positions, and llama.cpp clears (touches) the whole cache at load.
    /// </param>
    public static async Task<ISpeechBackend> OpenAsync(string? clusterConfig, string? modelsDirectory, ILoggerFactory logging, CancellationToken cancellationToken,
        WeightPrecision quant = WeightPrecisionNames.Default, TextWriter? progressTo = null, VocoderEngine vocoder = VocoderEngine.Native, bool oneRequestAtATime = false,
        TalkerBackend talkerEngine = TalkerBackend.Managed)
    {
        if (clusterConfig is null)
        {
            var directory = Commands.ModelsListCommand.ModelsDirectory(modelsDirectory);
            var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = directory, Vocoder = vocoder });
            var talker = new TalkerOptions { Quant = quant, Engine = talkerEngine };
            if (oneRequestAtATime)
            {
                talker.MaxSequences = 1;
            }
            var models = LocalTtsModels.Load(store, talker, logger: logging.CreateLogger("qwen3-tts"),
                progress: progressTo is null ? null : new ConversionProgressWriter(progressTo), cancellationToken: cancellationToken);
            return new EmbeddedSpeechBackend(models, directory);
        }
        return new ClusterSpeechBackend(await ConnectAsync(clusterConfig, logging, cancellationToken).ConfigureAwait(false), clusterConfig);
    }

    /// <summary>A client of the cluster that <paramref name="clusterConfig"/> describes; one that does not answer is a <see cref="ClusterUnreachableException"/>.</summary>
    public static async Task<Qwen3TtsClient> ConnectAsync(string clusterConfig, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        if (!File.Exists(clusterConfig))
        {
            throw new ArgumentException($"cluster configuration '{clusterConfig}' does not exist (see `qwen3-tts init`)");
        }
        var settings = SiloHosting.LoadSettings(["--config", clusterConfig]);
        var options = ClientOptionsFor(settings);
        // Orleans logs every refused connection attempt; the one error that matters is ours, unless asked for detail.
        options.Logging = logging.CreateLogger("qwen3-tts").IsEnabled(LogLevel.Debug) ? logging : null;
        try
        {
            return await Qwen3TtsClient.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            throw new ClusterUnreachableException($"cannot connect to the cluster in {clusterConfig}: {e.Message}", e);
        }
    }

    /// <summary>adonet: gateways come from the membership table; localhost: every silo entry is a gateway.</summary>
    public static Qwen3TtsClientOptions ClientOptionsFor(ClusterSettings settings)
    {
        var options = new Qwen3TtsClientOptions
        {
            ClusterId = settings.Cluster.ClusterId,
            ServiceId = settings.Cluster.ServiceId,
        };
        if (string.Equals(settings.Cluster.Clustering, "adonet", StringComparison.OrdinalIgnoreCase))
        {
            options.AdoNetConnectionString = settings.Cluster.AdoNet.ResolveConnectionString();
            options.AdoNetInvariant = settings.Cluster.AdoNet.Invariant;
        }
        else
        {
            var silos = settings.Silos.Count > 0 ? settings.Silos : [new SiloEntry()];
            options.Gateways = [.. silos.Select(s => $"{s.Host}:{s.GatewayPort}")];
        }
        return options;
    }
}

/// <summary>The cluster named by --cluster does not answer; exit code 1 with this message.</summary>
internal sealed class ClusterUnreachableException(string message, Exception inner) : Exception(message, inner);
