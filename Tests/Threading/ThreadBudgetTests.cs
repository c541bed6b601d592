using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Tests.Threading;

public class ThreadBudgetTests
{
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 1, 2, 2)]
    [InlineData(4, 2, 4, 4)]
    [InlineData(8, 4, 4, 4)]
    public void SplitsTheCoresBetweenTheEngines(int cores, int talker, int predictor, int decoder)
    {
        var budget = ThreadBudget.For(cores);
        Assert.Equal((cores, talker, predictor, decoder), (budget.Cores, budget.Talker, budget.Predictor, budget.Decoder));
    }

    [Fact]
    public void BigLittleBoardsPlanForTheBigCoresOnly()
    {
        var sysfs = Directory.CreateTempSubdirectory("qwen3tts-cpu-");
        try
        {
            // RK3588: cpu0-3 Cortex-A55 (capacity 414), cpu4-7 Cortex-A76 (1024).
            for (var cpu = 0; cpu < 8; cpu++)
            {
                var dir = Directory.CreateDirectory(Path.Combine(sysfs.FullName, $"cpu{cpu}"));
                File.WriteAllText(Path.Combine(dir.FullName, "cpu_capacity"), cpu < 4 ? "414\n" : "1024\n");
            }
            Directory.CreateDirectory(Path.Combine(sysfs.FullName, "cpufreq")); // not a CPU
            var topology = CpuTopology.Detect(sysfs.FullName);
            Assert.Equal(4, topology.BigCores);
            Assert.Equal(8, topology.Capacities.Count);
            Assert.Equal(Math.Min(4, Environment.ProcessorCount), topology.ComputeCores);
        }
        finally
        {
            sysfs.Delete(recursive: true);
        }
    }

    [Fact]
    public void WithoutCapacitiesEveryProcessorCounts()
    {
        var topology = CpuTopology.Detect(Path.Combine(Path.GetTempPath(), $"no-sysfs-{Guid.NewGuid():N}"));
        Assert.Equal(Environment.ProcessorCount, topology.ComputeCores);
        Assert.Empty(topology.Capacities);
    }
}
