using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Tests.Threading;

public class ThreadPoolHeadroomTests
{
    [Fact]
    public void EachHeldWorkerKeepsAPoolThreadAboveOnePerCore()
    {
        const int workers = 3;
        for (var i = 0; i < workers; i++)
        {
            ThreadPoolHeadroom.Hold();
        }
        try
        {
            // Other tests may hold workers too: the minimum covers at least these.
            ThreadPool.GetMinThreads(out var minimum, out _);
            Assert.True(minimum >= Environment.ProcessorCount + workers, $"the pool's minimum is {minimum} with {workers} workers held on {Environment.ProcessorCount} cores");
        }
        finally
        {
            for (var i = 0; i < workers; i++)
            {
                ThreadPoolHeadroom.Release();
            }
        }
    }
}
