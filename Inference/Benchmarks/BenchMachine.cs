using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Qwen3Tts.Inference.Benchmarks;

/// <summary>One line describing the machine a benchmark ran on, printed with every result.</summary>
public static class BenchMachine
{
    public static string Describe()
    {
        var simd = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => string.Join(' ', new[] { ("avx2", Avx2.IsSupported), ("fma", Fma.IsSupported), ("avx-vnni", AvxVnni.IsSupported), ("avx512f", Avx512F.IsSupported), ("avx512bw", Avx512BW.IsSupported), ("avx512-vnni", CpuFlag("avx512_vnni")) }.Where(f => f.Item2).Select(f => f.Item1)),
            Architecture.Arm64 => string.Join(' ', new[] { ("neon", AdvSimd.IsSupported), ("dotprod", Dp.IsSupported), ("i8mm", CpuFlag("i8mm")) }.Where(f => f.Item2).Select(f => f.Item1)),
            _ => "",
        };
        return $"{CpuModel()} | {Environment.ProcessorCount} cores | {RuntimeInformation.RuntimeIdentifier} | .NET {Environment.Version} | simd: {(simd.Length > 0 ? simd : "none")} | kernels: {Kernels.Linear.LinearKernels.DescribeDefault()}";
    }

    /// <summary>Whether /proc/cpuinfo lists a CPU feature flag (Linux); features .NET cannot use are still worth printing.</summary>
    public static bool CpuFlag(string flag)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("flags", StringComparison.Ordinal) || line.StartsWith("Features", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(flag);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return false;
    }

    private static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) || line.StartsWith("Model", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':') + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return RuntimeInformation.OSDescription;
    }
}
