using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Qwen3Tts.Gateway;
using Qwen3Tts.Gateway.Admission;
using Qwen3Tts.Grains;
using Qwen3Tts.Grains.Admission;
using Qwen3Tts.Inference.Synthetic;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>
/// A gateway that runs 1 request at once and queues none, in front of a talker with 1 KV sequence and room for 1
/// waiting request, with a 2 s silo-wide response timeout.
/// </summary>
public sealed class AdmissionGatewayFixture : IAsyncLifetime
{
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(2);

    private readonly string _root = Directory.CreateTempSubdirectory("qwen3-admission-").FullName;

    public GatewayServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var models = Path.Combine(_root, "models");
        await SyntheticModelKit.WriteAsync(models, SyntheticPreset.Tiny, seed: 31);
        var settings = GatewayServer.Settings([GrainRoles.Talker, GrainRoles.Predictor, GrainRoles.Vocoder, GrainRoles.Gateway], models, gateway =>
        {
            gateway.VoicesDirectory = Directory.CreateDirectory(Path.Combine(_root, "voices")).FullName;
            gateway.Admission = new AdmissionOptions { MaxConcurrentRequests = 1, MaxQueuedRequests = 0 };
        });
        settings.Talker.ContextPerSequence = 4096;
        settings.Talker.MaxSequences = 1;
        settings.TalkerQueue = new TalkerQueueOptions { MaxWaiting = 1, Wait = TimeSpan.FromSeconds(60) };
        settings.FaultDetection.ResponseTimeout = ResponseTimeout;
        Server = await GatewayServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}

public sealed class GatewayAdmissionTests(AdmissionGatewayFixture fixture) : IClassFixture<AdmissionGatewayFixture>
{
    [Fact]
    public async Task AFullGatewaySays429AFullTalkerSaysBusyAndTheRequestWaitingItsTurnStillCompletes()
    {
        // 1: a talker session holds the only KV sequence until this test releases it. (A synthesis would not do:
        // the tiny random model meets EOS after tens of frames, well inside the 4 s this test needs.)
        var grains = fixture.Server.Host.Services.GetRequiredService<IGrainFactory>();
        var holder = grains.GetGrain<ITalkerGrain>("holder-" + Guid.NewGuid().ToString("N"));
        await holder.StartAsync(new SynthesisRequestDto("Holding the only sequence.", Seed: 1), seed: 1, eosBoost: 0f);

        // 2: takes the gateway's only place and waits at the talker, far longer than the silo-wide response timeout.
        var waiting = SpeechRequests.PostAsync(fixture.Server.Http, new { model = "tts-1", input = "Waiting my turn.", seed = 2 });
        await Task.Delay(AdmissionGatewayFixture.ResponseTimeout * 2);
        if (waiting.IsCompleted)
        {
            using var early = await waiting;
            Assert.Fail($"the second request should still be waiting for the talker's sequence; it ended with {(int)early.StatusCode}");
        }

        // 3: the gateway is full: refused at once, with a Retry-After.
        using (var refused = await SpeechRequests.PostAsync(fixture.Server.Http, new { model = "tts-1", input = "No room.", seed = 3 }))
        {
            var message = await OpenAiErrorAssert.IsErrorAsync(refused, HttpStatusCode.TooManyRequests, "rate_limit_error", null, "server_busy");
            Assert.Contains("gateway.admission", message);
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        }

        // 4: past the gateway (an Orleans client), the talker's own queue is full: busy, naming the talker.
        var busy = await Assert.ThrowsAsync<RoleFailureException>(async () =>
        {
            await foreach (var _ in grains.GetGrain<ISynthesisGrain>("busy-" + Guid.NewGuid().ToString("N")).SynthesizeAsync(new SynthesisRequestDto("Me too.", Seed: 4)))
            {
            }
        });
        Assert.Equal(GrainRoles.Talker, busy.Role);
        Assert.Equal(RoleFailure.Busy, busy.Failure);
        Assert.Contains("the talker is busy", busy.Message);

        // The holder lets go: the waiting request gets the sequence and completes, long after 2 s.
        await holder.ReleaseAsync();
        using var completed = await waiting.WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.True((await completed.Content.ReadAsByteArrayAsync()).Length > 44);
    }
}

/// <summary>The gateway's queue on its own: places, waiting, refusal and time-out.</summary>
public sealed class GatewayAdmissionQueueTests
{
    [Fact]
    public async Task RequestsBeyondThePlacesWaitAndThoseBeyondTheQueueAreRefused()
    {
        using var admission = new GatewayAdmission(new AdmissionOptions { MaxConcurrentRequests = 1, MaxQueuedRequests = 1, QueueTimeout = TimeSpan.FromSeconds(30) });
        var first = await admission.EnterAsync(CancellationToken.None);
        var second = admission.EnterAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, admission.Waiting);

        var third = await Assert.ThrowsAsync<OpenAiErrorException>(() => admission.EnterAsync(CancellationToken.None));
        Assert.Equal(429, third.StatusCode);
        Assert.NotNull(third.RetryAfter);

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.Equal(0, admission.Running);
        Assert.Equal(0, admission.Waiting);
    }

    [Fact]
    public async Task AWaitThatOutlastsTheQueueTimeoutIs503WithRetryAfter()
    {
        using var admission = new GatewayAdmission(new AdmissionOptions { MaxConcurrentRequests = 1, MaxQueuedRequests = 4, QueueTimeout = TimeSpan.FromMilliseconds(200) });
        using var first = await admission.EnterAsync(CancellationToken.None);

        var timedOut = await Assert.ThrowsAsync<OpenAiErrorException>(() => admission.EnterAsync(CancellationToken.None));

        Assert.Equal(503, timedOut.StatusCode);
        Assert.Equal("queue_timeout", timedOut.Body.Error.Code);
        Assert.InRange(timedOut.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));
        Assert.Equal(0, admission.Waiting);
    }

    [Fact]
    public async Task ACallerThatGoesAwayWhileWaitingLeavesTheQueue()
    {
        using var admission = new GatewayAdmission(new AdmissionOptions { MaxConcurrentRequests = 1, MaxQueuedRequests = 1 });
        using var first = await admission.EnterAsync(CancellationToken.None);
        using var leave = new CancellationTokenSource();
        var waiting = admission.EnterAsync(leave.Token);

        leave.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, admission.Waiting);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, -1)]
    public void NonsenseLimitsAreRefusedAtStart(int concurrent, int queued) =>
        Assert.Throws<ArgumentException>(() => new AdmissionOptions { MaxConcurrentRequests = concurrent, MaxQueuedRequests = queued }.Validate());
}
