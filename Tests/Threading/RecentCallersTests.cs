using System.Diagnostics;
using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Tests.Threading;

public class RecentCallersTests
{
    [Fact]
    public void CountsDistinctCallersWithinTheHorizonOnly()
    {
        var callers = new RecentCallers(capacity: 4, TimeSpan.FromSeconds(1));
        var (a, b, c) = (new object(), new object(), new object());
        var t0 = 1_000_000L;
        callers.Seen(a, t0);
        callers.Seen(a, t0 + 10);
        callers.Seen(b, t0 + 20);
        Assert.Equal(2, callers.Active(t0 + 30));
        var second = Stopwatch.Frequency;
        callers.Seen(c, t0 + second / 2);
        // a and b were last seen more than a second before this moment; c half a second before.
        Assert.Equal(1, callers.Active(t0 + second + second / 4));
        Assert.Equal(0, callers.Active(t0 + 3 * second));
    }

    [Fact]
    public void AFullTableReplacesTheCallerSeenLongestAgo()
    {
        var callers = new RecentCallers(capacity: 2, TimeSpan.FromSeconds(10));
        var (a, b, c) = (new object(), new object(), new object());
        callers.Seen(a, 100);
        callers.Seen(b, 200);
        callers.Seen(c, 300);
        Assert.Equal(2, callers.Active(400));
        // b and c hold the table now: seeing b again must not take a new slot.
        callers.Seen(b, 500);
        callers.Seen(a, 600);
        Assert.Equal(2, callers.Active(700));
    }
}
