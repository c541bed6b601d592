using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Qwen3Tts.Grains;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>
/// A finished request leaves nothing behind: its SynthesisGrain, TalkerGrain and VocoderGrain activations go
/// when it ends (completed, refused or failed), not when Orleans' idle collection comes by minutes later.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayActivationTests(GatewayFixture fixture)
{
    private static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RequestsThatEndLeaveNoPerRequestActivations()
    {
        for (var i = 0; i < 4; i++)
        {
            using var ok = await SpeechRequests.PostAsync(fixture.Http, new { model = "tts-1", input = $"Request number {i}.", seed = i });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using var streamed = await SpeechRequests.PostAsync(fixture.Http, new { model = "tts-1", input = "Streamed then done.", seed = 5, stream_format = "audio" });
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        // A voice whose reference codes alone outgrow the talker's context (512) fails inside the cluster, after its
        // grains were activated (a long text no longer does: it is split into chunks that fit).
        var overflow = Path.Combine(fixture.VoicesDirectory, "activation_overflow.json");
        var frames = string.Join(",", Enumerable.Range(0, 600).Select(f => "[" + string.Join(",", Enumerable.Range(0, 16).Select(k => (f + k) % 50)) + "]"));
        await File.WriteAllTextAsync(overflow, $$"""{"ref_text": "Reference words", "codec_tokens": [{{frames}}]}""");
        try
        {
            using var failed = await SpeechRequests.PostAsync(fixture.Http, new { model = "tts-1", input = "Too long a prompt.", voice = "activation_overflow" });
            Assert.True(failed.StatusCode == HttpStatusCode.BadRequest, $"{(int)failed.StatusCode}: {await failed.Content.ReadAsStringAsync()}");
        }
        finally
        {
            File.Delete(overflow);
        }

        await WaitForNoActivationsAsync(typeof(SynthesisGrain), typeof(TalkerGrain), typeof(VocoderGrain));
    }

    /// <summary>
    /// A message that reaches a request's grain after the request let go (a late cancellation of a call the caller gave
    /// up on, a release racing a failure) creates a fresh activation holding nothing; it must end itself within seconds
    /// rather than idle until Orleans' collection (~15 minutes), for every per-request grain.
    /// </summary>
    [Fact]
    public async Task AnActivationThatNoRequestClaimsEndsItself()
    {
        var grains = fixture.Server.Host.Services.GetRequiredService<IGrainFactory>();
        var request = "late-message-" + Guid.NewGuid().ToString("N");
        await grains.GetGrain<ISynthesisGrain>(request).GetSiloAsync();
        await grains.GetGrain<ITalkerGrain>(request).GetSiloAsync();
        await grains.GetGrain<IPredictorGrain>(request).GetSiloAsync();
        await grains.GetGrain<IVocoderGrain>(request).GetSiloAsync();
        // A talker step that comes after its request's release (the caller hung up while it was in flight) is refused
        // and its fresh activation ends like the others.
        var late = await Assert.ThrowsAsync<InvalidOperationException>(() => grains.GetGrain<ITalkerGrain>(request + "-step").StepAsync(new byte[16], 0, 0f));
        Assert.Contains("has not started on this talker", late.Message);

        await WaitForNoActivationsAsync(typeof(SynthesisGrain), typeof(TalkerGrain), typeof(PredictorGrain), typeof(VocoderGrain));
    }

    private async Task WaitForNoActivationsAsync(params Type[] grainClasses)
    {
        var management = fixture.Server.Host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var clock = Stopwatch.StartNew();
        var left = new Dictionary<string, int>();
        while (clock.Elapsed < SettleBound)
        {
            var statistics = await management.GetSimpleGrainStatistics();
            left = grainClasses.ToDictionary(c => c.Name, c => statistics
                .Where(s => s.GrainType.StartsWith(c.FullName!, StringComparison.Ordinal))
                .Sum(s => s.ActivationCount));
            if (left.Values.All(count => count == 0))
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"{SettleBound.TotalSeconds} s after the last request ended these activations were still there: " +
                    string.Join(", ", left.Select(p => $"{p.Key} {p.Value}")));
    }
}
