using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>A real `qwen3-tts-silo` process for the tests that cross process boundaries; disposing kills it.</summary>
internal sealed partial class SiloProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 40;
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly Queue<string> _lastOutput = new();
    private readonly TaskCompletionSource<Uri> _httpAddress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _allOutput = [];

    private SiloProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The process id (for the diagnostics IPC of the runtime inside it).</summary>
    public int Id => _process.Id;

    /// <summary>The silo's resident set size now (VmRSS of /proc/PID/status), in MiB.</summary>
    public double ResidentMegabytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>The HTTP API's address, once a silo with the gateway role has printed it.</summary>
    public Task<Uri> HttpAddressAsync(TimeSpan timeout) => _httpAddress.Task.WaitAsync(timeout);

    /// <summary>Asks the silo to stop as systemd, Docker or Ctrl-C would (SIGTERM): it drains and leaves gracefully.</summary>
    public void Terminate()
    {
        if (kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Ends the silo at once (SIGKILL), as a crash or a pulled plug would.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    /// <summary>The output lines (stdout and stderr) containing <paramref name="text"/> so far.</summary>
    public IReadOnlyList<string> LinesContaining(string text)
    {
        lock (_lastOutput)
        {
            return [.. _allOutput.Where(line => line.Contains(text, StringComparison.Ordinal))];
        }
    }

    public string OutputEnd => OutputTail();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [GeneratedRegex(@"HTTP API on (http://\S+)")]
    private static partial Regex HttpLine();

    /// <summary>A port for a silo to listen on; see <see cref="SiloPorts"/>.</summary>
    public static int FreePort() => SiloPorts.Next();

    public static SiloProcess Start(string config, string workingDirectory, string? siloName = null)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "qwen3-tts-silo.dll");
        // --port 0: a silo with the gateway role also serves HTTP; an OS-chosen port keeps parallel tests apart.
        string[] args = siloName is null ? [silo, "--config", config, "--port", "0"] : [silo, "--config", config, "--silo", siloName, "--port", "0"];
        var process = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet", args)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = workingDirectory,
            },
        };
        var started = new SiloProcess(process);
        // Draining the pipes keeps a chatty silo from blocking on a full buffer; the tail explains a failed start.
        process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits until the silo accepts connections on <paramref name="port"/>, failing fast (with its output) if it exits.</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(); // flushes the redirected output
                throw new InvalidOperationException($"a silo process exited with code {_process.ExitCode} before listening on {port}; its output ended with:\n{OutputTail()}");
            }
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(250);
            }
        }
        throw new TimeoutException($"a silo did not open port {port} within {timeout.TotalSeconds} s; its output ended with:\n{OutputTail()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        if (HttpLine().Match(line) is { Success: true } http)
        {
            _httpAddress.TrySetResult(new Uri(http.Groups[1].Value));
        }
        lock (_lastOutput)
        {
            if (_allOutput.Count < 100_000)
            {
                _allOutput.Add(line);
            }
            _lastOutput.Enqueue(line);
            if (_lastOutput.Count > OutputLinesKept)
            {
                _lastOutput.Dequeue();
            }
        }
    }

    private string OutputTail()
    {
        lock (_lastOutput)
        {
            return _lastOutput.Count == 0 ? "(nothing)" : string.Join('\n', _lastOutput);
        }
    }
}
