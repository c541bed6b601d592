using Microsoft.AspNetCore.Http;
using Orleans.Runtime;
using Qwen3Tts.Gateway;
using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>Each kind of failure becomes the right status, names the role when one is known, and carries no internals.</summary>
[Collection(GatewayCollection.Name)]
public sealed class SynthesisFailuresTests(GatewayFixture fixture)
{
    private const string Internals = "Request [S127.0.0.1:11111:118563392 sys.svc.user/1]->[S127.0.0.1:11112:118563399 vocodergrain/5f0c3e6a9b2d4c1e8f7a6b5c4d3e2f10] IVocoderGrain.AppendAsync(Int64[]) #7";

    private ClusterReadiness Readiness => fixture.Server.Host.Services.GetService(typeof(ClusterReadiness)) as ClusterReadiness ?? throw new InvalidOperationException();

    public static TheoryData<Exception, int, string, string?> Failures => new()
    {
        { new RoleFailureException(GrainRoles.Vocoder, RoleFailure.Unavailable, "the vocoder silo stopped answering (it was stopped, crashed or lost its network); retry", TimeSpan.FromSeconds(2), new SiloUnavailableException(Internals)),
            StatusCodes.Status503ServiceUnavailable, "the vocoder silo stopped answering", "role_unavailable" },
        { new RoleFailureException(GrainRoles.Talker, RoleFailure.Busy, "the talker is busy: 4 requests are being spoken and 8 wait", TimeSpan.FromSeconds(5)),
            StatusCodes.Status429TooManyRequests, "the talker is busy", "server_busy" },
        { new RoleFailureException(GrainRoles.Predictor, RoleFailure.Failed, "the predictor failed: an internal error (the silo's log has the details)", inner: new InvalidOperationException(Internals)),
            StatusCodes.Status500InternalServerError, "the predictor failed", "synthesis_failed" },
        { new TimeoutException(Internals), StatusCodes.Status503ServiceUnavailable, "stopped answering", "silo_unavailable" },
        { new OrleansException(Internals), StatusCodes.Status503ServiceUnavailable, "stopped answering", "silo_unavailable" },
        { new InvalidOperationException(Internals), StatusCodes.Status500InternalServerError, "internal error", "synthesis_failed" },
        { new SynthesisException("the talker ended the utterance before producing any audio frame"), StatusCodes.Status500InternalServerError, "before producing any audio frame", "synthesis_failed" },
        { new ArgumentException("the text is too long: its prompt needs 600 positions", "request"), StatusCodes.Status400BadRequest, "too long", null },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void AFailureBecomesItsStatusWithoutInternals(Exception exception, int status, string messagePart, string? code)
    {
        var error = SynthesisFailures.Translate(exception, Readiness, "req-1");

        Assert.NotNull(error);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(code, error.Body.Error.Code);
        Assert.Contains(messagePart, error.Message);
        foreach (var leak in new[] { "127.0.0.1", "S127", "vocodergrain/", "IVocoderGrain", "AppendAsync", "#7", " at ", ".cs:line" })
        {
            Assert.DoesNotContain(leak, error.Message);
        }
        if (status is 429 or 503)
        {
            Assert.NotNull(error.RetryAfter);
        }
    }

    [Fact]
    public void ACancelledRequestIsNotAnError() =>
        Assert.Null(SynthesisFailures.Translate(new OperationCanceledException(), Readiness, "req-1"));
}
