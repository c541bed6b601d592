using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
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
                client.UseStaticClustering([.. options.GatewayPorts.Select(port => new IPEndPoint(IPAddress.Loopback, port))]);
            }
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new Qwen3TtsClient(host);
    }

    /// <summary>The whole utterance at once.</summary>
    public async Task<SynthesizedAudio> SynthesizeAsync(string text, SynthesisOptions? options = null, CancellationToken cancellationToken = default)
    {
        var samples = new List<float>();
        await foreach (var chunk in StreamAsync(text, options, cancellationToken))
        {
            samples.AddRange(chunk);
        }
        return new SynthesizedAudio([.. samples], SynthesizedAudio.CodecSampleRate);
    }

    /// <summary>Audio chunks (24 kHz mono float) as soon as they are decoded; cancelling stops the synthesis in the cluster.</summary>
    public async IAsyncEnumerable<float[]> StreamAsync(string text, SynthesisOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new SynthesisOptions();
        var request = new SynthesisRequestDto(text, options.Language.ToString().ToLowerInvariant(), options.Seed, options.Sampling.ToString(), MaxFrames: options.MaxFrames);
        var grain = _cluster.GetGrain<ISynthesisGrain>(Guid.NewGuid().ToString("N"));
        await foreach (var chunk in grain.SynthesizeAsync(request, cancellationToken).WithCancellation(cancellationToken))
        {
            if (chunk.Samples.Length > 0)
            {
                yield return TensorBytes.ToFloats(chunk.Samples);
            }
        }
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
