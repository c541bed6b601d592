using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Tests.Threading;

public class ReusableResultTests
{
    [Fact]
    public async Task EachArmingResolvesToTheValueComputedWhenTheAwaitResumes()
    {
        var done = new ReusableCompletion();
        var computed = 0;
        var value = 0;
        var result = new ReusableResult<int>(done, () => { computed++; return value; });
        for (var i = 1; i <= 3; i++)
        {
            _ = done.Arm();
            var pending = result.Current;
            Assert.False(pending.IsCompleted);
            value = 10 * i;
            // Completed on another thread, as the talker's and predictor's workers do.
            await Task.Run(done.SetResult);
            Assert.Equal(10 * i, await pending);
            Assert.Equal(i, computed);
        }
    }

    [Fact]
    public async Task AFailedCompletionThrowsWithoutComputingTheResult()
    {
        var done = new ReusableCompletion();
        var computed = false;
        var result = new ReusableResult<string>(done, () => { computed = true; return "frame"; });
        _ = done.Arm();
        var pending = result.Current;
        done.SetException(new InvalidOperationException("the predictor pass failed"));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await pending);
        Assert.Equal("the predictor pass failed", e.Message);
        Assert.False(computed);

        // Armed again, it works as before.
        _ = done.Arm();
        pending = result.Current;
        done.SetResult();
        Assert.Equal("frame", await pending);
    }

    [Fact]
    public async Task AnOldArmingIsRefused()
    {
        var done = new ReusableCompletion();
        var result = new ReusableResult<int>(done, () => 1);
        _ = done.Arm();
        var first = result.Current;
        var again = first;
        done.SetResult();
        Assert.Equal(1, await first);
        _ = done.Arm();
        // The token of the first arming no longer matches the completion's.
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await again);
    }
}
