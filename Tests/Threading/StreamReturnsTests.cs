using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Tests.Threading;

/// <summary>Which streams a pass waits for, and until when, on explicit clock ticks (nothing here depends on timing).</summary>
public class StreamReturnsTests
{
    private const long Cap = 1_000;

    /// <summary>The streams run one round: submitted at <paramref name="start"/>, completed together (one pass) 10 ticks later.</summary>
    private static long Round(StreamReturns returns, long start, params object[] streams)
    {
        foreach (var s in streams)
        {
            returns.Submitted(s, start);
        }
        var pass = returns.NextPass();
        foreach (var s in streams)
        {
            returns.Completed(s, start + 10, pass);
        }
        return start + 10;
    }

    [Fact]
    public void ALoneStreamIsNeverWaitedFor()
    {
        var returns = new StreamReturns(4);
        var a = new object();
        var done = Round(returns, 1_000, a);
        returns.Submitted(a, done + 100);
        Assert.Equal(0, returns.WaitUntil(done + 100, done + 100 + Cap, Cap));
    }

    [Fact]
    public void AStreamAwayIsWaitedForUntilTwiceItsUsualAwayTimeThenNoLonger()
    {
        var returns = new StreamReturns(4);
        var (a, b) = (new object(), new object());
        var done = Round(returns, 1_000, a, b);
        // b comes back 100 ticks after its completion: its away time is 100.
        done = Round(returns, done + 100, b);
        // a (queued now) waits for b until b is twice its away time late.
        returns.Submitted(a, done + 50);
        Assert.Equal(done + 200, returns.WaitUntil(done + 50, done + 50 + Cap, Cap));
        // Capped at the pass's deadline.
        Assert.Equal(done + 120, returns.WaitUntil(done + 50, done + 120, Cap));
        // Overdue: it stopped coming (ended without a word, or is held up elsewhere).
        Assert.Equal(0, returns.WaitUntil(done + 200, done + 200 + Cap, Cap));
    }

    [Fact]
    public void AStreamDueOnlyAfterTheDeadlineIsNotWaitedForUnlessItLeftWithAQueuedStream()
    {
        var returns = new StreamReturns(4);
        var (a, b, c) = (new object(), new object(), new object());
        var done = Round(returns, 1_000, a, b, c);
        // a and b come back after 5000 ticks, c after 100: a's away time is 5000, c's 100, and c left alone.
        done = Round(returns, done + 5_000, a, b);
        var cDone = Round(returns, done - 4_900 - 10, c);
        // b queues 10 ticks after its completion: a is due back only in ~5000 ticks, past the deadline, but a left in the
        // same pass as b (they travel together), so b waits for it, up to the deadline.
        returns.Submitted(b, done + 10);
        Assert.Equal(done + 10 + Cap, returns.WaitUntil(done + 10, done + 10 + Cap, Cap));
        // Without a there is nobody to wait for: c left alone and is overdue (twice its away time of 100 after cDone).
        returns.Forget(a);
        Assert.True(done + 10 > cDone + 200);
        Assert.Equal(0, returns.WaitUntil(done + 10, done + 10 + Cap, Cap));
    }

    [Fact]
    public void AStreamNotDueWithinTheDeadlineAndTravellingAloneIsNotWaitedFor()
    {
        var returns = new StreamReturns(4);
        var (a, b) = (new object(), new object());
        var done = Round(returns, 1_000, a);
        done = Round(returns, done + 5_000, a);     // a: away 5000, alone in its passes
        var bDone = Round(returns, done, b);
        returns.Submitted(b, bDone + 1);
        // a is due at done + 5000, far past the deadline (bDone + 1 + Cap): b does not wait for it.
        Assert.Equal(0, returns.WaitUntil(bDone + 1, bDone + 1 + Cap, Cap));
        // With a longer window it is due within it, and b waits until a is overdue (capped by the deadline).
        Assert.Equal(done + 10_000, returns.WaitUntil(bDone + 1, bDone + 1 + 20_000, 20_000));
    }

    [Fact]
    public void AStreamSeenBackOnlyOnceIsWaitedForTheCapAfterItsCompletionAndAForgottenOneNotAtAll()
    {
        var returns = new StreamReturns(4);
        var (a, b) = (new object(), new object());
        var done = Round(returns, 1_000, a, b);
        returns.Submitted(a, done + 5);
        // b has no away time yet: waited for the cap after its completion.
        Assert.Equal(done + Cap, returns.WaitUntil(done + 5, done + 5 + Cap, Cap));
        Assert.Equal(0, returns.WaitUntil(done + Cap, done + 2 * Cap, Cap));
        returns.Forget(b);
        Assert.Equal(0, returns.WaitUntil(done + 5, done + 5 + Cap, Cap));
    }

    [Fact]
    public void AFullTableReplacesTheStreamAwayTheLongestAndNeverAQueuedOne()
    {
        var returns = new StreamReturns(2);
        var (a, b, c) = (new object(), new object(), new object());
        Round(returns, 100, a);
        Round(returns, 200, b);
        returns.Submitted(c, 300);            // replaces a, away since 110
        Assert.Equal(2, returns.Known);
        returns.Submitted(b, 310);
        var d = new object();
        returns.Submitted(d, 320);            // b and c are queued: d is not tracked
        Assert.Equal(2, returns.Known);
        var pass = returns.NextPass();
        returns.Completed(d, 330, pass);      // unknown: ignored
        returns.Completed(b, 330, pass);
        returns.Completed(c, 330, pass);
        // c (queued again) waits for b, away 100 ticks last time (210 -> 310): until twice that after its completion.
        returns.Submitted(c, 340);
        Assert.Equal(330 + 200, returns.WaitUntil(340, 340 + Cap, Cap));
    }
}
