using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// The one dispatch over the per-ISA kernels (<see cref="LinearKernelsAvx512"/>, <see cref="LinearKernelsAvx2"/>,
/// <see cref="LinearKernelsNeon"/>, <see cref="LinearKernelsGeneric"/>). A kernel computes the 16 rows of
/// one row group against one input row.
/// </summary>
public static unsafe class LinearKernels
{
    /// <summary>Environment variable that forces a path for the whole process (e.g. QWEN3_TTS_KERNEL=avx2).</summary>
    public const string OverrideVariable = "QWEN3_TTS_KERNEL";

    /// <summary>The fastest path this CPU supports.</summary>
    public static LinearKernelPath Best { get; } =
        Avx512BW.IsSupported && Fma.IsSupported ? LinearKernelPath.Avx512
        : AvxVnni.IsSupported && Fma.IsSupported ? LinearKernelPath.AvxVnni
        : Avx2.IsSupported && Fma.IsSupported ? LinearKernelPath.Avx2
        : Dp.IsSupported ? LinearKernelPath.NeonDot
        : AdvSimd.Arm64.IsSupported ? LinearKernelPath.Neon
        : Vector128.IsHardwareAccelerated ? LinearKernelPath.Portable
        : LinearKernelPath.Scalar;

    /// <summary>
    /// The fastest path for one weight format: <see cref="Best"/>, except Q8_0 on a CPU with both AVX-512 and AVX-VNNI
    /// (Intel Sapphire Rapids and later, AMD Zen 5), where the 256-bit vpdpbusd kernel beats the 512-bit 16-bit
    /// multiplies (.NET 10 reaches no 512-bit VNNI). Intel Xeon (Emerald Rapids), 2 cores, `bench predictor --threads 2`
    /// q8_0, two alternating rounds: 4 inputs 27.9-30.6 -> 22.8-25.0 ms per frame, one input 44.5-71 -> 43.4-55.6;
    /// q4_0 stays on AVX-512, whose one-input pass was 24.7-26.7 ms against AVX-VNNI's 28.1-34.4.
    /// </summary>
    public static LinearKernelPath BestFor(WeightFormat format) =>
        format == WeightFormat.Q8_0 && Best == LinearKernelPath.Avx512 && IsSupported(LinearKernelPath.AvxVnni) ? LinearKernelPath.AvxVnni : Best;

    // Declared after Best: static initializers run in text order and InitialDefault reads Best.
    private static LinearKernelPath s_default = InitialDefault();

    // Whether Default is still Best as chosen at start-up (no QWEN3_TTS_KERNEL, no benchmark override): then Auto takes BestFor(format).
    private static bool s_defaultIsBest = Environment.GetEnvironmentVariable(OverrideVariable) is not { } forced
        || string.IsNullOrWhiteSpace(forced) || Parse(forced.Trim()) == LinearKernelPath.Auto;

    /// <summary>What <see cref="LinearKernelPath.Auto"/> means in this process: <see cref="Best"/>, or the path
    /// named by <see cref="OverrideVariable"/>, or what a benchmark set. Setting an unsupported path throws.</summary>
    public static LinearKernelPath Default
    {
        get => s_default;
        set
        {
            var resolved = value == LinearKernelPath.Auto ? Best : value;
            if (!IsSupported(resolved))
            {
                throw new PlatformNotSupportedException($"kernel path {resolved} is not supported on this CPU (supported: {string.Join(", ", Supported())}).");
            }
            s_default = resolved;
            s_defaultIsBest = value == LinearKernelPath.Auto;
        }
    }

    public static bool IsSupported(LinearKernelPath path) => path switch
    {
        LinearKernelPath.Auto or LinearKernelPath.Portable or LinearKernelPath.Scalar => true,
        LinearKernelPath.Avx512 => Avx512BW.IsSupported && Fma.IsSupported,
        LinearKernelPath.AvxVnni => AvxVnni.IsSupported && Fma.IsSupported,
        LinearKernelPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        LinearKernelPath.NeonDot => Dp.IsSupported,
        LinearKernelPath.Neon => AdvSimd.Arm64.IsSupported,
        _ => false,
    };

    /// <summary>Every concrete path this CPU can run, fastest first.</summary>
    public static IReadOnlyList<LinearKernelPath> Supported() =>
        Enum.GetValues<LinearKernelPath>().Where(p => p != LinearKernelPath.Auto && IsSupported(p)).ToArray();

    /// <summary>Parses a path name as written on a command line or in the environment (case-insensitive).</summary>
    public static LinearKernelPath Parse(string name)
    {
        if (Enum.TryParse<LinearKernelPath>(name.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var path) && Enum.IsDefined(path))
        {
            return path;
        }
        throw new ArgumentException($"unknown kernel path '{name}' (known: {string.Join(", ", Enum.GetNames<LinearKernelPath>().Select(n => n.ToLowerInvariant()))}).", nameof(name));
    }

    /// <summary>The path a matrix of <paramref name="format"/> runs on: <see cref="Resolve(LinearKernelPath)"/>, with
    /// <see cref="LinearKernelPath.Auto"/> taking <see cref="BestFor"/> unless the process default was overridden.</summary>
    internal static LinearKernelPath Resolve(LinearKernelPath path, WeightFormat format) =>
        path == LinearKernelPath.Auto && s_defaultIsBest ? BestFor(format) : Resolve(path);

    /// <summary>What the process runs each block format on, for a benchmark's machine line: "avx512" or "avx512 (q8_0: avxvnni)".</summary>
    public static string DescribeDefault()
    {
        var name = Default.ToString().ToLowerInvariant();
        var q8 = Resolve(LinearKernelPath.Auto, WeightFormat.Q8_0);
        return q8 == Default ? name : $"{name} (q8_0: {q8.ToString().ToLowerInvariant()})";
    }

    internal static LinearKernelPath Resolve(LinearKernelPath path)
    {
        var resolved = path == LinearKernelPath.Auto ? s_default : path;
        if (!IsSupported(resolved))
        {
            throw new PlatformNotSupportedException($"kernel path {resolved} is not supported on this CPU.");
        }
        return resolved;
    }

    /// <summary>Whether block-format products on this path want the activations widened to int16.</summary>
    internal static bool WantsWideActivations(LinearKernelPath resolved, WeightFormat format) =>
        resolved == LinearKernelPath.Avx512 && format == WeightFormat.Q8_0;

    internal static void BlockGroup(LinearKernelPath resolved, WeightFormat format, byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
    {
        var q8 = format == WeightFormat.Q8_0;
        switch (resolved)
        {
            case LinearKernelPath.Avx512:
                if (q8) LinearKernelsAvx512.Q8(group, blocks, scaleBytes, x, y); else LinearKernelsAvx512.Q4(group, blocks, scaleBytes, x, y);
                break;
            case LinearKernelPath.AvxVnni:
                if (q8) LinearKernelsAvx2.Q8Vnni(group, blocks, scaleBytes, x, y); else LinearKernelsAvx2.Q4Vnni(group, blocks, scaleBytes, x, y);
                break;
            case LinearKernelPath.Avx2:
                if (q8) LinearKernelsAvx2.Q8(group, blocks, scaleBytes, x, y); else LinearKernelsAvx2.Q4(group, blocks, scaleBytes, x, y);
                break;
            case LinearKernelPath.NeonDot:
                if (q8) LinearKernelsNeon.Q8Dot(group, blocks, scaleBytes, x, y); else LinearKernelsNeon.Q4Dot(group, blocks, scaleBytes, x, y);
                break;
            case LinearKernelPath.Neon:
                if (q8) LinearKernelsNeon.Q8(group, blocks, scaleBytes, x, y); else LinearKernelsNeon.Q4(group, blocks, scaleBytes, x, y);
                break;
            case LinearKernelPath.Portable:
                if (q8) LinearKernelsGeneric.Portable.Q8(group, blocks, scaleBytes, x, y); else LinearKernelsGeneric.Portable.Q4(group, blocks, scaleBytes, x, y);
                break;
            default:
                if (q8) LinearKernelsGeneric.Scalar.Q8(group, blocks, scaleBytes, x, y); else LinearKernelsGeneric.Scalar.Q4(group, blocks, scaleBytes, x, y);
                break;
        }
    }

    /// <summary>
    /// The most inputs one block-kernel call of this path takes against a group (1, or 4 where the path has
    /// <see cref="BlockGroup2"/> / <see cref="BlockGroup4"/>); more inputs per call share each weight load.
    /// </summary>
    internal static int BlockInputs(LinearKernelPath resolved) => resolved is LinearKernelPath.Avx512 or LinearKernelPath.AvxVnni or LinearKernelPath.Avx2 ? 4 : 1;

    /// <summary><see cref="BlockGroup"/> for two inputs on a path whose <see cref="BlockInputs"/> is at least 2; bit-identical to two calls.</summary>
    internal static void BlockGroup2(LinearKernelPath resolved, WeightFormat format, byte* group, int blocks, int scaleBytes,
        in QuantizedInput x0, in QuantizedInput x1, float* y0, float* y1)
    {
        var q8 = format == WeightFormat.Q8_0;
        switch (resolved)
        {
            case LinearKernelPath.Avx512:
                if (q8) LinearKernelsAvx512.Q8x2(group, blocks, scaleBytes, x0, x1, y0, y1); else LinearKernelsAvx512.Q4x2(group, blocks, scaleBytes, x0, x1, y0, y1);
                break;
            case LinearKernelPath.AvxVnni or LinearKernelPath.Avx2:
                var vnni = resolved == LinearKernelPath.AvxVnni;
                if (q8) LinearKernelsAvx2.Q8x2(vnni, group, blocks, scaleBytes, x0, x1, y0, y1); else LinearKernelsAvx2.Q4x2(vnni, group, blocks, scaleBytes, x0, x1, y0, y1);
                break;
            default:
                throw new InvalidOperationException($"kernel path {resolved} has no two-input block kernel.");
        }
    }

    /// <summary><see cref="BlockGroup"/> for four inputs on a path whose <see cref="BlockInputs"/> is 4; bit-identical to four calls.</summary>
    internal static void BlockGroup4(LinearKernelPath resolved, WeightFormat format, byte* group, int blocks, int scaleBytes,
        in QuantizedInput x0, in QuantizedInput x1, in QuantizedInput x2, in QuantizedInput x3, float* y0, float* y1, float* y2, float* y3)
    {
        var q8 = format == WeightFormat.Q8_0;
        switch (resolved)
        {
            case LinearKernelPath.Avx512:
                if (q8) LinearKernelsAvx512.Q8x4(group, blocks, scaleBytes, x0, x1, x2, x3, y0, y1, y2, y3);
                else LinearKernelsAvx512.Q4x4(group, blocks, scaleBytes, x0, x1, x2, x3, y0, y1, y2, y3);
                break;
            case LinearKernelPath.AvxVnni or LinearKernelPath.Avx2:
                var vnni = resolved == LinearKernelPath.AvxVnni;
                if (q8) LinearKernelsAvx2.Q8x4(vnni, group, blocks, scaleBytes, x0, x1, x2, x3, y0, y1, y2, y3);
                else LinearKernelsAvx2.Q4x4(vnni, group, blocks, scaleBytes, x0, x1, x2, x3, y0, y1, y2, y3);
                break;
            default:
                throw new InvalidOperationException($"kernel path {resolved} has no four-input block kernel.");
        }
    }

    internal static void FloatGroup(LinearKernelPath resolved, WeightFormat format, byte* group, int columns, float* x, float* y)
    {
        switch (resolved)
        {
            case LinearKernelPath.Avx512:
                switch (format)
                {
                    case WeightFormat.Float32: LinearKernelsAvx512.F32(group, columns, x, y); break;
                    case WeightFormat.BFloat16: LinearKernelsAvx512.BF16(group, columns, x, y); break;
                    default: LinearKernelsAvx512.F16(group, columns, x, y); break;
                }
                break;
            case LinearKernelPath.AvxVnni:
            case LinearKernelPath.Avx2:
                switch (format)
                {
                    case WeightFormat.Float32: LinearKernelsAvx2.F32(group, columns, x, y); break;
                    case WeightFormat.BFloat16: LinearKernelsAvx2.BF16(group, columns, x, y); break;
                    default: LinearKernelsAvx2.F16(group, columns, x, y); break;
                }
                break;
            case LinearKernelPath.Scalar:
                switch (format)
                {
                    case WeightFormat.Float32: LinearKernelsGeneric.Scalar.F32(group, columns, x, y); break;
                    case WeightFormat.BFloat16: LinearKernelsGeneric.Scalar.BF16(group, columns, x, y); break;
                    default: LinearKernelsGeneric.Scalar.F16(group, columns, x, y); break;
                }
                break;
            default:
                // NEON paths and Portable: Vector128 FMA is NEON FMLA on ARM64.
                switch (format)
                {
                    case WeightFormat.Float32: LinearKernelsGeneric.Portable.F32(group, columns, x, y); break;
                    case WeightFormat.BFloat16: LinearKernelsGeneric.Portable.BF16(group, columns, x, y); break;
                    default: LinearKernelsGeneric.Portable.F16(group, columns, x, y); break;
                }
                break;
        }
    }

    private static LinearKernelPath InitialDefault()
    {
        var forced = Environment.GetEnvironmentVariable(OverrideVariable);
        if (string.IsNullOrWhiteSpace(forced))
        {
            return Best;
        }
        var path = Parse(forced.Trim());
        path = path == LinearKernelPath.Auto ? Best : path;
        if (!IsSupported(path))
        {
            throw new PlatformNotSupportedException($"{OverrideVariable}={forced}: kernel path {path} is not supported on this CPU (supported: {string.Join(", ", Supported())}).");
        }
        return path;
    }
}
