using System.Diagnostics;
using System.Text.Json;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Mcp;

/// <summary>The server process seen from outside, byte by byte: stdout is JSON-RPC only, failures go to stderr with an exit code.</summary>
public sealed class McpProcessTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-mcp-process-").FullName;

    [Fact]
    public async Task StdoutCarriesNothingButJsonRpcAndClosingStdinEndsTheServer()
    {
        string[] requests =
        [
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""",
            """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
            """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""",
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"text_to_speech","arguments":{"text":"Raw stdio.","seed":1}}}""",
            """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"text_to_speech","arguments":{"text":"Hi.","voice":"nobody"}}}""",
        ];

        var run = await RunServerAsync(["--models", models.Directory, "--output-dir", _dir], requests);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var messages = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.All(messages, m => Assert.Equal("2.0", m.GetProperty("jsonrpc").GetString()));
        Assert.Equal([1, 2, 3, 4], messages.Where(m => m.TryGetProperty("id", out _)).Select(m => m.GetProperty("id").GetInt32()).Order());
        var audio = messages.Single(m => m.GetProperty("id").GetInt32() == 3).GetProperty("result").GetProperty("content")[0];
        Assert.Equal("audio", audio.GetProperty("type").GetString());
        Assert.True(messages.Single(m => m.GetProperty("id").GetInt32() == 4).GetProperty("result").GetProperty("isError").GetBoolean());
        // The logs exist; they just went to stderr.
        Assert.Contains("MCP server on stdio", run.Stderr);
        Assert.Contains("unknown voice 'nobody'", run.Stderr);
    }

    [Fact]
    public async Task MissingModelsAreReportedOnStderrWithExitCode3BeforeServing()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "no-models")).FullName;
        string[] requests = ["""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"""];

        var run = await RunServerAsync(["--models", empty, "--output-dir", Path.Combine(_dir, "out")], requests);

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains("error: The model files of 3 roles (talker", run.Stderr);
        Assert.Contains(empty, run.Stderr);
        Assert.Contains("qwen3-tts models pull", run.Stderr);
    }

    private sealed record ServerRun(int ExitCode, string Stdout, string Stderr);

    /// <summary>
    /// Writes the requests, reads stdout until every request with an id is answered (or stdout ends),
    /// then closes stdin and collects everything until the process exits.
    /// </summary>
    private async Task<ServerRun> RunServerAsync(string[] options, string[] requests)
    {
        var start = new ProcessStartInfo("dotnet", [McpServerFixture.CliDll, "mcp", "--voices", Path.Combine(_dir, "voices"), .. options])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir,
        };
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // Not bound to the timeout: after a kill the pipe closes and the text so far explains the failure.
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new System.Text.StringBuilder();
        try
        {
            try
            {
                foreach (var request in requests)
                {
                    await process.StandardInput.WriteLineAsync(request);
                }
                await process.StandardInput.FlushAsync();
            }
            catch (IOException)
            {
                // A server that exits at start-up (missing models) closes its stdin before we finish writing.
            }

            var unanswered = requests.Count(r => r.Contains("\"id\":", StringComparison.Ordinal));
            while (unanswered > 0 && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                stdout.Append(line).Append('\n');
                unanswered -= line.Contains("\"id\":", StringComparison.Ordinal) ? 1 : 0;
            }
            process.StandardInput.Close();
            stdout.Append(await process.StandardOutput.ReadToEndAsync(timeout.Token));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the MCP server did not answer or did not exit after stdin closed; stdout:\n{stdout}\nstderr:\n{await stderr}");
        }
        return new ServerRun(process.ExitCode, stdout.ToString(), await stderr);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
