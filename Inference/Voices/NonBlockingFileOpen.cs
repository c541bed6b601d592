using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Qwen3Tts.Inference.Voices;

/// <summary>
/// Opens a file for reading without ever blocking in <c>open(2)</c>: <c>O_NONBLOCK</c> makes opening a FIFO return at
/// once (a plain <see cref="FileStream"/> waits for a writer forever: 30 requests starved a server that way), and
/// <c>O_NOFOLLOW</c> refuses a symbolic link in the last path component. .NET has no API for either, so this calls
/// libc's <c>open</c> and hands the descriptor to a <see cref="FileStream"/>. The flag values are the kernel's per
/// architecture; elsewhere (Windows, which has no FIFOs in the file system) a normal open is used.
/// </summary>
internal static partial class NonBlockingFileOpen
{
    private const int ENOENT = 2;
    private const int ENXIO = 6;
    private const int EACCES = 13;
    private const int ENOTDIR = 20;
    private const int EISDIR = 21;
    private const int ELOOP_LINUX = 40;
    private const int ELOOP_MAC = 62;

    public static FileStream OpenRead(string path, bool noFollow)
    {
        if (Flags(noFollow) is not { } flags)
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        }
        var fd = Open(path, flags);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                ENOENT or ENOTDIR => new FileNotFoundException("no such file", path),
                EACCES => new UnauthorizedAccessException("permission denied"),
                EISDIR => new IOException("is a directory"),
                ENXIO => new IOException("is a socket or device, not a regular file"),
                ELOOP_LINUX or ELOOP_MAC => new IOException("is a symbolic link, which is not followed here"),
                _ => new IOException($"cannot be opened (errno {errno})"),
            };
        }
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 1);
    }

    /// <summary>O_RDONLY | O_NONBLOCK | O_CLOEXEC (| O_NOFOLLOW), or null where a plain open is used.</summary>
    private static int? Flags(bool noFollow)
    {
        if (OperatingSystem.IsLinux())
        {
            // asm-generic values; ARM and POWER define O_NOFOLLOW as 0100000 instead of 0400000.
            var noFollowFlag = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 or Architecture.X86 or Architecture.RiscV64 or Architecture.S390x or Architecture.LoongArch64 => 0x20000,
                Architecture.Arm64 or Architecture.Arm or Architecture.Armv6 or Architecture.Ppc64le => 0x8000,
                _ => (int?)null,
            };
            return noFollowFlag is { } nf ? 0x800 | 0x80000 | (noFollow ? nf : 0) : null;
        }
        if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            return 0x4 | (OperatingSystem.IsMacOS() ? 0x1000000 : 0x100000) | (noFollow ? 0x100 : 0);
        }
        return null;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}
