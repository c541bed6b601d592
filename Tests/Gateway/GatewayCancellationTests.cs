using System.Diagnostics;
using System.Net;
using Orleans.Runtime;
using Qwen3Tts.Client;
using Qwen3Tts.Grains;
using Xunit.Abstractions;

using Qwen3Tts.Tests.Cluster;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>
/// A caller that goes away mid-utterance must stop the synthesis in the cluster and give the talker's KV sequence
/// back, whether it is an HTTP client hanging up or a .NET client cancelling its stream. The utterance asked for
/// takes thousands of frames; each test walks away after the first audio and then watches the talker's step counter
/// stop and its sequence and grain activation go, within a bound far shorter than the utterance.
/// </summary>
public sealed class GatewayCancellationTests(LongUtteranceGatewayFixture fixture, ITestOutputHelper output) : IClassFixture<LongUtteranceGatewayFixture>
{
    private static readonly string LongText = string.Concat(Enumerable.Repeat(
        "The gateway keeps talking for a long while unless the listener hangs up before the end of this passage. ", 28));

    private static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Steps the talker may still take once the caller has gone: those already under way when the abort reaches the
    /// grain. It counts steps, not seconds, so a loaded machine (slower steps) does not make it flaky; the utterance
    /// asked for would run on for more than a thousand (its EOS schedule gives no boost before
    /// <c>0.6 × FrameEstimate</c> frames).
    /// </summary>
    private const int MaxStepsAfterLeaving = 100;

    [Fact]
    public async Task AnHttpClientThatHangsUpMidStreamStopsTheTalkerAndFreesItsSequence()
    {
        using var steps = new TtsMeasurements([fixture.Server.OrleansMeter]);
        // Nothing may be drained: disposing the unfinished response closes the connection, as a client that goes away does.
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = fixture.Server.BaseAddress };

        using (var response = await SpeechRequests.PostAsync(http,
            new { model = "tts-1", input = LongText, language = "english", seed = 9, stream_format = "audio" }, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync();
            Assert.True(await body.ReadAsync(new byte[4096]) > 0);
            Assert.Equal(1, fixture.Talker.SequencesInUse);
        }
        var stepsWhenLeaving = steps.Counter("tts-talker-steps");

        var settled = await WaitForTheTalkerToSettleAsync(steps);
        Assert.InRange(settled - stepsWhenLeaving, 0, MaxStepsAfterLeaving);
    }

    [Fact]
    public async Task CancellingTheDotNetClientsStreamStopsTheTalkerAndFreesItsSequence()
    {
        using var steps = new TtsMeasurements([fixture.Server.OrleansMeter]);
        await using var client = await Qwen3TtsClient.ConnectAsync(new Qwen3TtsClientOptions
        {
            ClusterId = fixture.ClusterId,
            ServiceId = fixture.ClusterId,
            GatewayPorts = [fixture.OrleansGatewayPort],
        });
        using var cancel = new CancellationTokenSource();
        var chunks = 0;
        var stepsWhenLeaving = 0L;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in client.StreamAsync(LongText, new SynthesisOptions { Language = SpeechLanguage.English, Seed = 9 }, cancel.Token))
            {
                chunks++;
                Assert.False(chunk.IsLast);
                Assert.Equal(1, fixture.Talker.SequencesInUse);
                stepsWhenLeaving = steps.Counter("tts-talker-steps");
                cancel.Cancel();
            }
        });

        Assert.Equal(1, chunks);
        var settled = await WaitForTheTalkerToSettleAsync(steps);
        Assert.InRange(settled - stepsWhenLeaving, 0, MaxStepsAfterLeaving);
    }

    /// <summary>
    /// Polls until the talker holds no KV sequence, no TalkerGrain is active, and the step count has not moved for
    /// half a second; fails if that does not happen within <see cref="SettleBound"/>. Returns the settled step count.
    /// </summary>
    private async Task<long> WaitForTheTalkerToSettleAsync(TtsMeasurements steps)
    {
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var elapsed = Stopwatch.StartNew();
        var lastSteps = steps.Counter("tts-talker-steps");
        var unchangedSince = elapsed.Elapsed;
        var sequences = -1;
        var activations = -1;
        while (elapsed.Elapsed < SettleBound)
        {
            await Task.Delay(100);
            var now = steps.Counter("tts-talker-steps");
            if (now != lastSteps)
            {
                lastSteps = now;
                unchangedSince = elapsed.Elapsed;
            }
            sequences = fixture.Talker.SequencesInUse;
            activations = (await management.GetSimpleGrainStatistics())
                // GrainType is the class's full name, possibly followed by its assembly.
                .Where(s => s.GrainType.StartsWith(typeof(TalkerGrain).FullName!, StringComparison.Ordinal))
                .Sum(s => s.ActivationCount);
            if (sequences == 0 && activations == 0 && elapsed.Elapsed - unchangedSince >= TimeSpan.FromMilliseconds(500))
            {
                output.WriteLine($"settled at {lastSteps} talker steps in all; the last one {unchangedSince.TotalSeconds:F1} s after the caller went away");
                return lastSteps;
            }
        }
        Assert.Fail($"{SettleBound.TotalSeconds} s after the caller went away the talker had not let go: {steps.Counter("tts-talker-steps")} steps " +
                    $"(last change {unchangedSince.TotalSeconds:F1} s in), {sequences} KV sequence(s) in use, {activations} TalkerGrain activation(s)");
        return lastSteps;
    }
}
