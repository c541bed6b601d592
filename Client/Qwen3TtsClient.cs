using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Qwen3Tts.Grains;

namespace Qwen3Tts.Client;

/// <summary>Speech from a Qwen3-TTS cluster. Connect once and share: the client is thread-safe.</summary>
public sealed class Qwen3TtsClient : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly IClusterClient _cluster;

    private Qwen3TtsClient(IHost host)
    {
        _host = host;
        _cluster = host.Services.GetRequiredService<IClusterClient>();
    }

    public static async Task<Qwen3TtsClient> ConnectAsync(Qwen3TtsClientOptions options, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (options.Logging is { } logging)
        {
            builder.Services.AddSingleton(logging);
        }
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
            // The cluster's own exception types (a refused clip, a missing model file) arrive as themselves where this process has them.
            client.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Qwen3Tts"));
            if (options.AdoNetConnectionString is { Length: > 0 } connectionString)
            {
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = options.AdoNetInvariant;
                    o.ConnectionString = connectionString;
                });
            }
            else
            {
                client.UseStaticClustering(GatewayEndpoints.Resolve(options));
            }
        });
        var host = builder.Build();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ConnectTimeout);
        try
        {
            await host.StartAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new TimeoutException($"no gateway of cluster '{options.ClusterId}' answered within {options.ConnectTimeout.TotalSeconds:0.#} s ({DescribeGateways(options)})");
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new Qwen3TtsClient(host);
    }

    private static string DescribeGateways(Qwen3TtsClientOptions options) =>
        options.AdoNetConnectionString is { Length: > 0 }
            ? "gateways from the AdoNet membership table"
            : "gateways " + string.Join(", ", GatewayEndpoints.Resolve(options).Select(e => e.ToString()));

    /// <summary>The whole utterance at once.</summary>
    public async Task<SynthesizedAudio> SynthesizeAsync(string text, SynthesisOptions? options = null, CancellationToken cancellationToken = default)
    {
        var samples = new List<float>();
        await foreach (var chunk in StreamAsync(text, options, cancellationToken))
        {
            samples.AddRange(chunk.Samples);
        }
        return new SynthesizedAudio([.. samples], SynthesizedAudio.CodecSampleRate);
    }

    /// <summary>Audio chunks (24 kHz mono float) as soon as they are decoded; cancelling stops the synthesis in the cluster.</summary>
    public async IAsyncEnumerable<SpeechChunk> StreamAsync(string text, SynthesisOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = (options ?? new SynthesisOptions()).ToRequest(text);
        var grain = _cluster.GetGrain<ISynthesisGrain>(Guid.NewGuid().ToString("N"));
        await foreach (var chunk in grain.SynthesizeAsync(request, cancellationToken).WithCancellation(cancellationToken))
        {
            yield return new SpeechChunk(TensorBytes.ToFloats(chunk.Samples), chunk.FramesSoFar, chunk.IsLast, chunk.Codes);
        }
    }

    /// <summary>
    /// Encodes a reference clip into a voice on the cluster's boards (the codes on a vocoder silo, the x-vector on a
    /// talker silo). <paramref name="samples"/> are mono at 24 kHz (resample first), at most 60 s.
    /// </summary>
    public async Task<ClonedVoice> EncodeVoiceAsync(ReadOnlyMemory<float> samples, int sampleRate = SynthesizedAudio.CodecSampleRate, CancellationToken cancellationToken = default)
    {
        if (samples.IsEmpty)
        {
            throw new ArgumentException("the clip has no samples", nameof(samples));
        }
        var encoded = await _cluster.GetGrain<IVoiceCloneGrain>(0).EncodeAsync(new ReferenceClipDto(TensorBytes.FromFloats(samples.Span), sampleRate), cancellationToken);
        var codes = encoded.Codes;
        return new ClonedVoice(TensorBytes.ToInt32s(codes.Codes), codes.Frames, codes.Codebooks,
            encoded.Speaker.Embedding is { } embedding ? TensorBytes.ToFloats(embedding) : null, codes.SpeechTokenizer, codes.FrameRate, encoded.Speaker.Encoder);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }
}
