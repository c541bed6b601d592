using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>A real `qwen3-tts-silo` process for the tests that cross process boundaries; disposing kills it.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process) => _process = process;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static SiloProcess Start(string config, string workingDirectory, string? siloName = null)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "qwen3-tts-silo.dll");
        // --port 0: a silo with the gateway role also serves HTTP; an OS-chosen port keeps parallel tests apart.
        string[] args = siloName is null ? [silo, "--config", config, "--port", "0"] : [silo, "--config", config, "--silo", siloName, "--port", "0"];
        var process = Process.Start(new ProcessStartInfo("dotnet", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        })!;
        // Drain the pipes so a chatty silo never blocks on a full buffer.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloProcess(process);
    }

    /// <summary>Waits until the silo accepts connections on <paramref name="port"/>, failing fast if it exits.</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"a silo process exited with code {_process.ExitCode} before listening on {port}");
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
        throw new TimeoutException($"a silo did not open port {port} within {timeout.TotalSeconds} s");
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
}
