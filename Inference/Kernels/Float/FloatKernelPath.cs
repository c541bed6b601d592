using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// Which implementation of the float kernels runs. Every path computes each output as the same sequence of
/// fused multiply-adds, so all of them give bit-identical results (tests compare each to <see cref="Generic"/>).
/// </summary>
public enum FloatKernelPath
{
    /// <summary>Scalar C#, any CPU.</summary>
    Generic,

    /// <summary>x86-64 with AVX2 and FMA (256-bit).</summary>
    Avx2,

    /// <summary>x86-64 with AVX-512F (512-bit).</summary>
    Avx512,

    /// <summary>ARM64 Advanced SIMD (128-bit), e.g. the RK3588's Cortex-A76.</summary>
    Neon,
}

public static class FloatKernelPaths
{
    /// <summary>The fastest path this CPU supports.</summary>
    public static FloatKernelPath Best { get; } = Detect();

    public static bool IsSupported(FloatKernelPath path) => path switch
    {
        FloatKernelPath.Generic => true,
        FloatKernelPath.Avx2 => Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated,
        FloatKernelPath.Avx512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated,
        FloatKernelPath.Neon => AdvSimd.Arm64.IsSupported && Vector128.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>Every path this CPU can run, fastest last.</summary>
    public static IReadOnlyList<FloatKernelPath> Supported { get; } =
        Enum.GetValues<FloatKernelPath>().Where(IsSupported).ToArray();

    private static FloatKernelPath Detect()
    {
        if (IsSupported(FloatKernelPath.Avx512))
        {
            return FloatKernelPath.Avx512;
        }
        if (IsSupported(FloatKernelPath.Avx2))
        {
            return FloatKernelPath.Avx2;
        }
        return IsSupported(FloatKernelPath.Neon) ? FloatKernelPath.Neon : FloatKernelPath.Generic;
    }
}
