using System.Globalization;

namespace Qwen3Tts.Inference.Threading;

/// <summary>
/// The cores this process should compute on. On big.LITTLE boards (RK3588: 4 Cortex-A76 with
/// cpu_capacity 1024, 4 Cortex-A55 at ~414) only the big cores count: a product split evenly across
/// big and little cores waits for the little ones, so they would slow every step down.
/// </summary>
public sealed record CpuTopology(int LogicalProcessors, int BigCores, IReadOnlyList<int> Capacities)
{
    /// <summary>Cores to plan work for: the big cores when capacities differ, else every processor this process may use.</summary>
    public int ComputeCores => Math.Max(1, Math.Min(BigCores, LogicalProcessors));

    public static CpuTopology Detect(string sysfsCpuDirectory = "/sys/devices/system/cpu")
    {
        var logical = Environment.ProcessorCount;
        var capacities = ReadCapacities(sysfsCpuDirectory);
        if (capacities.Count == 0)
        {
            return new CpuTopology(logical, logical, capacities);
        }
        var max = capacities.Max();
        return new CpuTopology(logical, capacities.Count(c => c == max), capacities);
    }

    /// <summary>cpu*/cpu_capacity of every CPU (empty where the kernel does not publish it, e.g. most x86).</summary>
    internal static IReadOnlyList<int> ReadCapacities(string sysfsCpuDirectory)
    {
        var result = new List<int>();
        try
        {
            if (!Directory.Exists(sysfsCpuDirectory))
            {
                return result;
            }
            foreach (var cpu in Directory.EnumerateDirectories(sysfsCpuDirectory, "cpu*"))
            {
                var name = Path.GetFileName(cpu);
                if (name.Length <= 3 || !name[3..].All(char.IsAsciiDigit))
                {
                    continue;
                }
                var file = Path.Combine(cpu, "cpu_capacity");
                if (File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var capacity) && capacity > 0)
                {
                    result.Add(capacity);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return result;
    }
}
