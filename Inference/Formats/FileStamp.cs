using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Qwen3Tts.Inference.Formats;

/// <summary>
/// What tells an open file's content changed: its size, modification time and, on Linux, its change time (ctime,
/// from <c>statx</c> on the descriptor). The ctime matters: <c>rsync --inplace -t</c> and <c>cp -p</c> rewrite a
/// file and then set its modification time back, but every write moves the ctime and nothing can set it back.
/// The change time also moves when the file is unlinked (a new release renamed over it, the safe way to update), so
/// it only counts while the file still has a name: an unlinked file's content can no longer be rewritten. (A
/// <c>chmod</c> of a loaded model file moves it too, and is refused like a rewrite: the error says to restart.)
/// Where <c>statx</c> is missing (not Linux, a C library older than glibc 2.28) size and modification time remain.
/// </summary>
internal readonly partial record struct FileStamp(long Length, DateTime LastWriteUtc, long ChangeSeconds, uint ChangeNanoseconds, uint Links)
{
    private static bool _statxMissing = !OperatingSystem.IsLinux();

    public static FileStamp Of(SafeFileHandle handle)
    {
        var length = RandomAccess.GetLength(handle);
        var lastWrite = File.GetLastWriteTimeUtc(handle);
        return TryChangeTime(handle, out var seconds, out var nanoseconds, out var links)
            ? new FileStamp(length, lastWrite, seconds, nanoseconds, links)
            : new FileStamp(length, lastWrite, 0, 0, 1);
    }

    /// <summary>What differs from <paramref name="loaded"/>, in words, or null when nothing does.</summary>
    public string? DescribeChangeSince(FileStamp loaded) =>
        Length != loaded.Length ? $"{loaded.Length} bytes when loaded, {Length} now"
        : LastWriteUtc != loaded.LastWriteUtc ? $"modified at {LastWriteUtc:yyyy-MM-dd HH:mm:ss.fff} UTC, after it was loaded"
        : Links > 0 && (ChangeSeconds, ChangeNanoseconds) != (loaded.ChangeSeconds, loaded.ChangeNanoseconds) ? "rewritten after it was loaded (its change time moved)"
        : null;

    private static unsafe bool TryChangeTime(SafeFileHandle handle, out long seconds, out uint nanoseconds, out uint links)
    {
        seconds = 0;
        nanoseconds = 0;
        links = 1;
        if (_statxMissing)
        {
            return false;
        }
        var buffer = stackalloc byte[StatxSize];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxNlink | StatxCtime, buffer) != 0)
            {
                return false;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _statxMissing = true;
            return false;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
        links = *(uint*)(buffer + NlinkOffset);
        seconds = *(long*)(buffer + CtimeOffset);
        nanoseconds = *(uint*)(buffer + CtimeOffset + 8);
        return true;
    }

    // struct statx is the same on every Linux architecture: 256 bytes, stx_nlink (u32) at byte 16, stx_ctime
    // (i64 tv_sec, u32 tv_nsec) at byte 96.
    private const int StatxSize = 256;
    private const int NlinkOffset = 16;
    private const int CtimeOffset = 96;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxNlink = 0x4;
    private const uint StatxCtime = 0x80;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
