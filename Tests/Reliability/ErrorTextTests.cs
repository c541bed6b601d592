using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Tests.Reliability;

/// <summary>What a client reads of a failure: the problem in words, never silo addresses, grain ids, signatures or paths.</summary>
public sealed class ErrorTextTests
{
    // An Orleans time-out message, as 10.4.2 words it.
    private const string OrleansTimeout =
        "Response did not arrive on time in 00:00:30 for message: Request [S127.0.0.1:11111:118563392 sys.svc.user/1]->[S127.0.0.1:11112:118563399 " +
        "talkergrain/5f0c3e6a9b2d4c1e8f7a6b5c4d3e2f10] Qwen3Tts.Grains.ITalkerGrain.StartAsync(Qwen3Tts.Grains.SynthesisRequestDto, UInt64, Single) #42.";

    [Fact]
    public void AForeignExceptionIsDescribedByItsKindOnly()
    {
        var described = ErrorText.Describe(new TimeoutException(OrleansTimeout));

        Assert.DoesNotContain("127.0.0.1", described);
        Assert.DoesNotContain("ITalkerGrain", described);
        Assert.Contains("internal error", described);
    }

    [Fact]
    public void OurOwnMessagesPassScrubbedOfAddressesGrainIdsAndPaths()
    {
        var described = ErrorText.Describe(new SynthesisException(
            "decode failed on S10.0.0.3:11111:118563399 for talkergrain/5f0c3e6a9b2d4c1e8f7a6b5c4d3e2f10 at Foo.Bar(Int32) in /home/pi/src/TalkerModel.cs:line 12"));

        Assert.StartsWith("decode failed on a silo for a grain", described);
        Assert.DoesNotContain("10.0.0.3", described);
        Assert.DoesNotContain("5f0c3e6a9b2d", described);
        Assert.DoesNotContain(".cs:line", described);
    }

    [Fact]
    public void AbsolutePathsKeepTheirFileNameOnly()
    {
        Assert.Equal("voice file not found: a.json", ErrorText.Scrub("voice file not found: /srv/qwen3/voices/a.json"));
        Assert.Equal("cannot open 'talker.gguf': denied", ErrorText.Scrub("cannot open '/home/pi/models/talker.gguf': denied"));
        Assert.Equal("cannot open model.npy", ErrorText.Scrub(@"cannot open C:\models\talker\model.npy"));
        // Not paths: a URL's, a ratio, a shape.
        Assert.Equal("see https://example.com/docs/voices and 1/2 of [16, 2]", ErrorText.Scrub("see https://example.com/docs/voices and 1/2 of [16, 2]"));
    }

    [Fact]
    public void ARoleFailureCrossesTheWireWithItsRoleKindAndRetryAfter()
    {
        using var services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(RoleFailureException).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var sent = new RoleFailureException(GrainRoles.Vocoder, RoleFailure.Unavailable, "the vocoder silo stopped answering", TimeSpan.FromSeconds(2));

        var received = Assert.IsType<RoleFailureException>(serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(sent)));

        Assert.Equal(GrainRoles.Vocoder, received.Role);
        Assert.Equal(RoleFailure.Unavailable, received.Failure);
        Assert.Equal(TimeSpan.FromSeconds(2), received.RetryAfter);
        Assert.Equal(sent.Message, received.Message);
    }

    [Fact]
    public void ASiloUnavailableExceptionIsNotShownToTheClient()
    {
        var exception = new SiloUnavailableException(OrleansTimeout);

        Assert.DoesNotContain("127.0.0.1", ErrorText.Describe(exception));
    }
}
