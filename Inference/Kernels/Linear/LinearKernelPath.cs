namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// Which instruction set runs the weight-matrix products. Every path gives bit-identical results
/// (tests pin each one against <see cref="Scalar"/>), so the choice changes speed only.
/// </summary>
public enum LinearKernelPath
{
    /// <summary>The process default: <see cref="LinearKernels.Default"/> (the fastest the CPU supports unless overridden).</summary>
    Auto,
    /// <summary>x86 AVX-512 F+BW: 16 rows per register; Q8_0 in 16-bit multiplies, Q4_0 with vpmaddubsw.</summary>
    Avx512,
    /// <summary>x86 AVX-VNNI (VEX vpdpbusd) on 256-bit registers.</summary>
    AvxVnni,
    /// <summary>x86 AVX2 + FMA: vpmaddubsw/vpmaddwd on 256-bit registers.</summary>
    Avx2,
    /// <summary>ARM64 with the dot-product extension: SDOT by element.</summary>
    NeonDot,
    /// <summary>ARM64 without it: widening multiplies and pairwise adds.</summary>
    Neon,
    /// <summary>Cross-platform <see cref="System.Runtime.Intrinsics.Vector128"/> code.</summary>
    Portable,
    /// <summary>Plain loops: the reference every other path equals.</summary>
    Scalar,
}
