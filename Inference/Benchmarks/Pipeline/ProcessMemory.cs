namespace Qwen3Tts.Inference.Benchmarks.Pipeline;

/// <summary>Resident set size of this process from /proc/self/status (Linux); elsewhere the runtime's working set.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set (VmHWM) in MB.</summary>
    public static double PeakRssMb() => Status("VmHWM:") ?? Environment.WorkingSet / 1e6;

    /// <summary>Current resident set (VmRSS) in MB.</summary>
    public static double RssMb() => Status("VmRSS:") ?? Environment.WorkingSet / 1e6;

    /// <summary>
    /// Starts a new peak from the current resident set (Linux: "5" to /proc/self/clear_refs), so buffers the
    /// benchmark itself used before (the bandwidth probe's 256 MB) do not count. False where it is not possible.
    /// </summary>
    public static bool ResetPeak()
    {
        SettleHeap();
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Collects what earlier runs left and runs their finalizers, so that a measured stream does not pay for (or count)
    /// their collection: a background gen-2 collection that ends mid-stream runs the runtime's array-pool trimming, which
    /// allocates (a trace of a 200-frame stream found those in its frame loop, beside the engines' pooled step boxes that
    /// ReusableResult has since replaced).
    /// </summary>
    public static void SettleHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static double? Status(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal)
                    && long.TryParse(line[key.Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), out var kb))
                {
                    return kb * 1024 / 1e6;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
