using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Sampling;

public class EosPolicyTests
{
    [Fact]
    public void SeedWorkedExampleTenChineseCharacters()
    {
        var expected = FrameEstimate.Estimate("今天天气很好我们出去", "chinese");
        Assert.Equal(30, expected);

        var policy = new EosPolicy(expected, new EosOptions(), hasVoice: false);

        Assert.Equal(30, policy.ExpectedFrames);
        Assert.Equal(18, policy.StartStep);
        Assert.Equal(36, policy.MaxBoostStep);
        Assert.Equal(45, policy.ForceStep);

        Assert.Equal(0f, policy.BoostAt(0));
        Assert.Equal(0f, policy.BoostAt(17));
        Assert.Equal(0f, policy.BoostAt(18));
        Assert.Equal(25f / 18, policy.BoostAt(19), 5);
        Assert.Equal(12.5f, policy.BoostAt(27), 5);
        Assert.Equal(25f, policy.BoostAt(36));
        Assert.Equal(25f, policy.BoostAt(44));

        Assert.False(policy.ShouldForceStop(44));
        Assert.True(policy.ShouldForceStop(45));
    }

    [Fact]
    public void VoiceFactorStretchesTheScheduleWithFloor()
    {
        var policy = new EosPolicy(31, new EosOptions(), hasVoice: true);

        Assert.Equal(46, policy.ExpectedFrames); // floor(31 * 1.5)
        Assert.Equal(27, policy.StartStep);      // floor(46 * 0.6)
        Assert.Equal(55, policy.MaxBoostStep);   // floor(46 * 1.2)
        Assert.Equal(69, policy.ForceStep);      // floor(46 * 1.5)

        var custom = new EosPolicy(30, new EosOptions(VoiceFactor: 2f), hasVoice: true);
        Assert.Equal(60, custom.ExpectedFrames);
        Assert.Equal(30, new EosPolicy(30, new EosOptions(VoiceFactor: 2f), hasVoice: false).ExpectedFrames);
    }

    [Fact]
    public void RampDividesByAtLeastOneStep()
    {
        // start == max: the boost jumps straight to the maximum at the start step.
        var policy = new EosPolicy(10, new EosOptions(StartRatio: 1f, MaxRatio: 1f, ForceRatio: 2f), hasVoice: false);
        Assert.Equal(0f, policy.BoostAt(9));
        Assert.Equal(0f, policy.BoostAt(10));
        Assert.Equal(25f, policy.BoostAt(11));
    }

    [Fact]
    public void HardCapAppliesBeforeTheForcedStop()
    {
        var policy = new EosPolicy(1000, new EosOptions(MaxFrames: 200), hasVoice: false);
        Assert.Equal(1500, policy.ForceStep);
        Assert.False(policy.ShouldForceStop(199));
        Assert.True(policy.ShouldForceStop(200));
    }

    [Fact]
    public void DisabledScheduleHasNoBoostAndOnlyTheHardCap()
    {
        var policy = new EosPolicy(30, new EosOptions(Enabled: false, MaxFrames: 100), hasVoice: false);
        Assert.Equal(0f, policy.BoostAt(18));
        Assert.Equal(0f, policy.BoostAt(80));
        Assert.False(policy.ShouldForceStop(45));
        Assert.False(policy.ShouldForceStop(99));
        Assert.True(policy.ShouldForceStop(100));
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EosPolicy(30, new EosOptions(MaxFrames: 0), false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EosPolicy(30, new EosOptions(StartRatio: float.NaN), false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EosPolicy(30, new EosOptions(VoiceFactor: 0f), true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EosPolicy(-1, new EosOptions(), false));
    }
}
