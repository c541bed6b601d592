using System.Globalization;

namespace Qwen3Tts.Silo.Clustering;

/// <summary>
/// Which process on this machine wrote a localhost membership row: its id, its start time (so a reused id is not
/// mistaken for it) and its PID namespace (a process in another container cannot be seen, so it is never judged).
/// Read from <c>/proc</c>; where there is none, nothing is ever judged gone.
/// </summary>
public sealed record LocalProcessIdentity(int ProcessId, long StartTicks, string PidNamespace)
{
    public static LocalProcessIdentity? Current { get; } = Of(Environment.ProcessId);

    /// <summary>True only when this machine shows for sure that the process is no longer running.</summary>
    public bool IsGone()
    {
        if (Current is null || PidNamespace != Current.PidNamespace)
        {
            return false;
        }
        var now = Of(ProcessId);
        return now is null || now.StartTicks != StartTicks;
    }

    private static LocalProcessIdentity? Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses; starttime is field 22.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var start = long.Parse(fields[19], CultureInfo.InvariantCulture);
            var ns = new FileInfo("/proc/self/ns/pid").LinkTarget ?? "";
            return new LocalProcessIdentity(pid, start, ns);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
