using Qwen3Tts.Grains.Metrics;

namespace Qwen3Tts.Tests.Cluster;

public sealed class RecentWindowTests
{
    [Fact]
    public void RatesAndMeansCoverTheLastTenSecondsOnly()
    {
        long now = 1000;
        var window = new RecentWindow(() => now);

        // 4 s after start: 8 calls of 2 ms and 8 of 4 ms -> 16 calls over 4 s, 3 ms each.
        for (var second = 0; second < 4; second++, now++)
        {
            window.Record(2);
            window.Record(2);
            window.Record(4);
            window.Record(4);
        }
        now--;
        Assert.Equal(4.0, window.PerSecond, 9);
        Assert.Equal(3.0, window.MeanMilliseconds, 9);

        // Twenty quiet seconds later the old calls have left the window.
        now += 20;
        Assert.Equal(0.0, window.PerSecond);
        Assert.Equal(0.0, window.MeanMilliseconds);

        // A batch counts its items: 25 frames in one call this second.
        window.Record(0, count: 25);
        Assert.Equal(2.5, window.PerSecond, 9);
    }

    [Fact]
    public void AReusedSlotForgetsTheSecondItHeldBefore()
    {
        long now = 0;
        var window = new RecentWindow(() => now);
        window.Record(10);
        now = RecentWindow.WindowSeconds; // the same slot, ten seconds on

        window.Record(1);

        Assert.Equal(1.0, window.MeanMilliseconds, 9);
        Assert.Equal(0.1, window.PerSecond, 9);
    }
}
