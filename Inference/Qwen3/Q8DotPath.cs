namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// Which instruction set computes the int8 x int8 block sums of a Q8_0 dot product.
/// Every path yields the same int32 per block, so results never depend on the machine;
/// tests pin a path to prove that.
/// </summary>
internal enum Q8DotPath
{
    /// <summary>The fastest path the CPU supports.</summary>
    Auto,
    /// <summary>x86 AVX2: vpsignb + vpmaddubsw + vpmaddwd.</summary>
    Avx2,
    /// <summary>x86 AVX-VNNI: vpsignb + vpdpbusd (the AVX2 code with one fused multiply-sum).</summary>
    AvxVnni,
    /// <summary>ARM64 AdvSimd: SDOT when the dot-product extension exists, else widening multiplies.</summary>
    Arm64,
    /// <summary>Cross-platform <see cref="System.Runtime.Intrinsics.Vector128"/> widening code.</summary>
    Portable,
    /// <summary>Plain scalar loop: the reference all other paths must equal.</summary>
    Scalar,
}
