using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Qwen3Tts.Tests.Mcp;
using Qwen3Tts.Tests.Pipeline;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Reliability.Fuzz;

/// <summary>
/// A real <c>qwen3-tts mcp</c> process fed mutated JSON-RPC lines after a valid handshake: it answers what it can,
/// stdout stays JSON-RPC only, and a valid request after the garbage still gets its answer; closing stdin ends it
/// with exit code 0.
/// </summary>
public sealed class McpFuzzTests(TinyModelsFixture models, ITestOutputHelper output) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-mcp-fuzz-").FullName;

    private static readonly string[] Valid =
    [
        """{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"list_voices","arguments":{}}}""",
        """{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"text_to_speech","arguments":{"text":"Hi.","seed":1,"output_file":"fuzz/a.wav"}}}""",
        """{"jsonrpc":"2.0","id":12,"method":"tools/list","params":{}}""",
    ];

    [Fact]
    public async Task MutatedJsonRpcLinesLeaveTheServerAnswering()
    {
        var start = new ProcessStartInfo("dotnet", [McpServerFixture.CliDll, "mcp", "--models", models.Directory, "--voices", Path.Combine(_dir, "voices"), "--output-dir", Path.Combine(_dir, "out")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        using var process = Process.Start(start)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        // The error reader may still append after the process exits, and an assertion message is built whether or not it
        // fails: read the builder under its lock (an unlocked ToString() raced an append once and threw).
        string Stderr()
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }
        process.BeginErrorReadLine();
        var lines = new List<string>();
        var final = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
                if (line.Contains("\"id\":\"final\"", StringComparison.Ordinal))
                {
                    final.TrySetResult();
                }
            }
        });
        try
        {
            var stdin = process.StandardInput;
            await stdin.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"fuzz","version":"1"}}}""");
            await stdin.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            var random = new Random(10);
            var sent = FuzzRun.Iterations(60, most: 400);
            for (var i = 0; i < sent; i++)
            {
                var (_, bytes) = Mutations.Next(Encoding.UTF8.GetBytes(Valid[random.Next(Valid.Length)]), random, text: true);
                // One message a line, as the stdio transport frames them.
                await stdin.WriteLineAsync(Encoding.UTF8.GetString(bytes).Replace('\n', ' ').Replace('\r', ' '));
            }
            await stdin.WriteLineAsync("""{"jsonrpc":"2.0","id":"final","method":"tools/list"}""");
            await stdin.FlushAsync();

            await final.Task.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.False(process.HasExited, "the server exited on the mutated lines: " + Stderr());
            stdin.Close();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await reader;
            if (process.ExitCode != 0)
            {
                Assert.Fail($"exit {process.ExitCode}: {Stderr()}");
            }
            List<string> answered;
            lock (lines)
            {
                answered = [.. lines];
            }
            foreach (var line in answered)
            {
                using var message = JsonDocument.Parse(line);
                Assert.Equal("2.0", message.RootElement.GetProperty("jsonrpc").GetString());
            }
            ReliabilityReport.Record(output, $"fuzz MCP JSON-RPC: {sent} mutated lines, {answered.Count} JSON-RPC answers, the server answered the request after them and exited 0");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
