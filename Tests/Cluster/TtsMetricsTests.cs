using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Qwen3Tts.Grains;

namespace Qwen3Tts.Tests.Cluster;

public sealed class TtsMetricsTests(RoleClusterFixture fixture) : IClassFixture<RoleClusterFixture>
{
    private const int SamplesPerFrame = 1920;

    private TtsMeasurements Listen() =>
        new(fixture.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<OrleansInstruments>().Meter));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(RoleClusterFixture.ResponseTimeout);
        while (!condition() && !timeout.IsCancellationRequested)
        {
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task One_synthesis_counts_one_predictor_call_per_frame_and_every_frame_the_vocoder_receives()
    {
        using var measurements = Listen();
        // EOS never and a small cap: the utterance ends at the cap, after which the loop takes no further talker step.
        const int cap = 6;
        var request = new SynthesisRequestDto("A sentence long enough that the talker expects many more frames than the cap allows.", "english", Seed: 5, MaxFrames: cap) { Eos = "never" };

        var samples = await RoleClusterFixture.CollectAsync(
            fixture.Cluster.Client.GetGrain<ISynthesisGrain>(Guid.NewGuid().ToString("N")).SynthesizeAsync(request));

        Assert.Equal(0, samples.Length % SamplesPerFrame);
        var frames = samples.Length / SamplesPerFrame;
        Assert.InRange(frames, 1, cap);

        Assert.Equal(frames, measurements.Counter("tts-predictor-frames"));
        Assert.Equal(frames, measurements.Histogram("tts-predictor-frame-ms").Length);
        Assert.Equal(frames, measurements.Counter("tts-frames-synthesized"));

        // The start samples frame 0's code 0; each step after a frame samples the next one (or the EOS that ends it).
        Assert.Equal(1, measurements.Counter("tts-talker-prefills"));
        Assert.Single(measurements.Histogram("tts-talker-prefill-ms"));
        Assert.InRange(measurements.Counter("tts-talker-steps"), frames - 1, frames);
        Assert.Equal(measurements.Counter("tts-talker-steps"), measurements.Histogram("tts-talker-step-ms").Length);

        // Appends batch the frames generated while the previous append decoded, so there are 1..frames of them,
        // then the flush, the end of the utterance's stream and the release of the request. Those two follow the last
        // chunk, so they may still be on their way.
        await WaitUntilAsync(() => measurements.Histogram("tts-vocoder-call-ms").Length >= 4);
        Assert.InRange(measurements.Histogram("tts-vocoder-call-ms").Length, 4, frames + 3);

        var timings = new[] { "tts-talker-prefill-ms", "tts-talker-step-ms", "tts-predictor-frame-ms", "tts-vocoder-call-ms" }
            .SelectMany(measurements.Histogram);
        Assert.All(timings, ms => Assert.True(double.IsFinite(ms) && ms >= 0, $"bad timing {ms}"));
        Assert.Equal(0, measurements.Counter("tts-talker-failed-calls"));
        Assert.Equal(0, measurements.Counter("tts-predictor-failed-calls"));
        Assert.Equal(0, measurements.Counter("tts-vocoder-failed-calls"));

        // The dashboard's view: rates and mean latencies of the last seconds, not running totals.
        var gauges = measurements.Gauges();
        Assert.True(gauges["tts-predictor-frames-per-s"] >= frames / (double)Qwen3Tts.Grains.Metrics.RecentWindow.WindowSeconds);
        Assert.True(gauges["tts-frames-synthesized-per-s"] > 0);
        Assert.True(gauges["tts-talker-step-ms-mean"] > 0);
        Assert.True(gauges["tts-predictor-frame-ms-mean"] > 0);
        Assert.True(gauges["tts-talker-prefill-ms-mean"] > 0);
    }

    [Fact]
    public async Task Calls_that_throw_count_as_failures_not_as_work()
    {
        using var measurements = Listen();
        var id = "never-started-" + Guid.NewGuid().ToString("N");

        var step = await Assert.ThrowsAsync<InvalidOperationException>(
            () => fixture.Cluster.Client.GetGrain<ITalkerGrain>(id).StepAsync(new byte[16], 0, 0f));
        Assert.Contains("has not started", step.Message);
        var flush = await Assert.ThrowsAsync<InvalidOperationException>(
            () => fixture.Cluster.Client.GetGrain<IVocoderGrain>(id).FlushAsync());
        Assert.Contains("has no frames", flush.Message);

        Assert.Equal(1, measurements.Counter("tts-talker-failed-calls"));
        Assert.Equal(1, measurements.Counter("tts-vocoder-failed-calls"));
        Assert.Equal(0, measurements.Counter("tts-talker-steps"));
        Assert.Empty(measurements.Histogram("tts-talker-step-ms"));
        Assert.Empty(measurements.Histogram("tts-vocoder-call-ms"));
    }

    [Fact]
    public async Task Calls_outside_the_role_work_are_not_measured()
    {
        using var measurements = Listen();

        await fixture.Cluster.Client.GetGrain<ITalkerGrain>("placed-" + Guid.NewGuid().ToString("N")).GetSiloAsync();
        await fixture.Cluster.Client.GetGrain<IVocoderGrain>("placed-" + Guid.NewGuid().ToString("N")).GetSiloAsync();
        await fixture.Cluster.Client.GetGrain<IPredictorGrain>("placed-" + Guid.NewGuid().ToString("N")).GetSiloAsync();

        Assert.Empty(measurements.Histogram("tts-vocoder-call-ms"));
        Assert.Empty(measurements.Histogram("tts-talker-step-ms"));
        Assert.Empty(measurements.Histogram("tts-predictor-frame-ms"));
    }
}
