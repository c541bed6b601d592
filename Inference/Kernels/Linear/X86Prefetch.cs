using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// Software prefetch for the x86 block kernels: a product streams its matrix once, front to back
/// (a thread's row groups are contiguous, each group's scales then quants), and the kernels' loads do
/// not overlap that stream well enough on their own. Each line is asked for twice: into L2 from
/// <see cref="FarDistance"/> bytes ahead, then into L1 from <see cref="Distance"/> ahead, so the slow
/// part of a memory read runs well before the kernel needs it and the second hint finds the line close.
/// Measured with `qwen3-tts bench predictor` on the 0.6b set (2-core Zen 4 VM, AVX-512 path, same run,
/// alternating): the near hint alone took q8_0 1 thread from 102-133 to 93-106 ms/frame and 2 threads
/// 55-76 -> 50-55 (session 5; 1 KB ahead helped as much, 4-8 KB no more than 2 KB). The far L2 hint
/// (session 8) then took q8_0 at one input 129-154 -> 96-112 ms on 1 thread and 69-71 -> 56-63 on 2,
/// q4_0 70-85 -> 48-53 and 42-50 -> 30-31, and a streamed 3072 x 1024 matrix from 9.6-11.4 to
/// 12.6-14.3 GB/s on 1 thread; 16 KB far did as well as 8, 4 KB less, and hinting L1 alone from further
/// ahead was worse. The AVX2 path did not move either way.
/// A prefetch never faults, so running past the end of the matrix is harmless.
/// </summary>
internal static unsafe class X86Prefetch
{
    public const int Distance = 2048;

    public const int FarDistance = 8192;

    private const int Line = 64;

    /// <summary>Prefetches the <paramref name="lines"/> cache lines <see cref="Distance"/> bytes after <paramref name="current"/> into L1, and those <see cref="FarDistance"/> after it into L2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ahead(byte* current, int lines)
    {
        var near = current + Distance;
        var far = current + FarDistance;
        for (var l = 0; l < lines; l++)
        {
            Sse.Prefetch0(near + l * Line);
            Sse.Prefetch1(far + l * Line);
        }
    }
}
