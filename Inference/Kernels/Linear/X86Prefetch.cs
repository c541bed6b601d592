using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// Software prefetch for the x86 block kernels: a product streams its matrix once, front to back
/// (a thread's row groups are contiguous, each group's scales then quants), and the kernels' loads do
/// not overlap that stream well enough on their own. Touching the lines <see cref="Distance"/> bytes
/// ahead of the block being multiplied lets the memory reads run under the arithmetic. Measured with
/// `qwen3-tts bench predictor` on the 0.6b set (2-core Zen 4 VM, AVX-512 path, same run, alternating):
/// q8_0 1 thread 102-133 -> 93-106 ms/frame, 2 threads 55-76 -> 50-55; q4_0 1 thread 74-77 -> 52-55,
/// 2 threads 36-41 -> 31-35. 1 KB ahead helped q4_0 as much, 4-8 KB no more than 2 KB.
/// A prefetch never faults, so running past the end of the matrix is harmless.
/// </summary>
internal static unsafe class X86Prefetch
{
    public const int Distance = 2048;

    private const int Line = 64;

    /// <summary>Prefetches the <paramref name="lines"/> cache lines that lie <see cref="Distance"/> bytes after <paramref name="current"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ahead(byte* current, int lines)
    {
        var p = current + Distance;
        for (var l = 0; l < lines; l++)
        {
            Sse.Prefetch0(p + l * Line);
        }
    }
}
