using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Qwen3Tts.Tests.Browser;

/// <summary>
/// Debian's headless Chromium driven over the DevTools protocol (a WebSocket of JSON commands): open a page,
/// evaluate script in it, and collect every console error, uncaught exception and failed resource load.
/// No npm or driver package: the protocol is small enough for the few commands a page test needs.
/// </summary>
internal sealed class ChromiumPage : IAsyncDisposable
{
    public const string DefaultExecutable = "/usr/bin/chromium";

    private readonly Process _browser;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _errors = [];
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    private ChromiumPage(Process browser, string profile)
    {
        _browser = browser;
        _profile = profile;
    }

    public static string? Executable =>
        Environment.GetEnvironmentVariable("QWEN3_TTS_CHROMIUM") is { Length: > 0 } path ? path
        : File.Exists(DefaultExecutable) ? DefaultExecutable : null;

    /// <summary>Console errors, exceptions and failed loads (a missing favicon, say) seen so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Chromium's own fake microphone (a beep, or <paramref name="audioFile"/>, a WAV it loops), granted without asking.</summary>
    public static IReadOnlyList<string> FakeMicrophone(string? audioFile = null) =>
    [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        .. audioFile is null ? Array.Empty<string>() : ["--use-file-for-fake-audio-capture=" + audioFile],
    ];

    public static async Task<ChromiumPage> OpenAsync(Uri url, TimeSpan timeout, IReadOnlyList<string>? extraFlags = null)
    {
        var executable = Executable ?? throw new InvalidOperationException("chromium is not installed (apt-get install chromium)");
        var profile = Directory.CreateTempSubdirectory("qwen3-chromium-").FullName;
        // The flags of a closed network: without the background ones Chromium keeps trying to reach Google's hosts.
        var browser = Process.Start(new ProcessStartInfo(executable,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required", "--mute-audio",
            "--remote-debugging-port=0", "--user-data-dir=" + profile, .. extraFlags ?? [], "about:blank",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        browser.OutputDataReceived += (_, _) => { };
        browser.ErrorDataReceived += (_, _) => { };
        browser.BeginOutputReadLine();
        browser.BeginErrorReadLine();
        var page = new ChromiumPage(browser, profile);
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            var port = await DevToolsPortAsync(profile, browser, deadline.Token);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var targets = JsonNode.Parse(await http.GetStringAsync("/json/list", deadline.Token))!.AsArray();
            var target = targets.First(t => (string?)t!["type"] == "page")!;
            await page._socket.ConnectAsync(new Uri((string)target["webSocketDebuggerUrl"]!), deadline.Token);
            page._receiving = page.ReceiveAsync();
            await page.SendAsync("Runtime.enable", null, deadline.Token);
            await page.SendAsync("Log.enable", null, deadline.Token);
            await page.SendAsync("Page.enable", null, deadline.Token);
            await page.SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() }, deadline.Token);
            await page.WaitUntilAsync("document.readyState === 'complete'", timeout);
            return page;
        }
        catch
        {
            await page.DisposeAsync();
            throw;
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page (awaiting a promise) and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync("Runtime.evaluate",
            new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true, ["userGesture"] = true }, cancellationToken);
        if (reply["exceptionDetails"] is { } exception)
        {
            throw new InvalidOperationException($"the page threw evaluating `{expression}`: {exception.ToJsonString()}");
        }
        return reply["result"]?["value"]?.DeepClone();
    }

    /// <summary>Sets <paramref name="paths"/> as the files chosen in the file input <paramref name="selector"/>, as a user picking them does (a change event follows).</summary>
    public async Task SetFileInputFilesAsync(string selector, IReadOnlyList<string> paths, CancellationToken cancellationToken = default)
    {
        var document = await SendAsync("DOM.getDocument", new JsonObject { ["depth"] = 0 }, cancellationToken);
        var root = document["root"]!["nodeId"]!.GetValue<int>();
        var found = await SendAsync("DOM.querySelector", new JsonObject { ["nodeId"] = root, ["selector"] = selector }, cancellationToken);
        var node = found["nodeId"]?.GetValue<int>() ?? 0;
        if (node == 0)
        {
            throw new InvalidOperationException($"the page has no element matching `{selector}`");
        }
        await SendAsync("DOM.setFileInputFiles", new JsonObject { ["nodeId"] = node, ["files"] = new JsonArray([.. paths.Select(p => JsonValue.Create(p))]) }, cancellationToken);
    }

    /// <summary>Polls <paramref name="condition"/> (a script expression) until it is true.</summary>
    public async Task WaitUntilAsync(string condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await EvaluateAsync($"Boolean({condition})") is JsonValue value && value.GetValue<bool>())
            {
                return;
            }
            if (clock.Elapsed > timeout)
            {
                var state = await EvaluateAsync("document.body ? document.body.dataset.state + ' / ' + document.getElementById('status')?.textContent + ' / ' + (document.getElementById('clone-status')?.textContent ?? '') : ''");
                throw new TimeoutException($"`{condition}` did not become true within {timeout.TotalSeconds} s (page: {state}; errors: {string.Join(" | ", Errors)})");
            }
            await Task.Delay(100);
        }
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);
        using var registration = cancellationToken.Register(() => reply.TrySetCanceled(cancellationToken));
        var answer = await reply.Task;
        if (answer["error"] is { } error)
        {
            throw new InvalidOperationException($"{method} failed: {error.ToJsonString()}");
        }
        return answer["result"]?.AsObject() ?? [];
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                message.SetLength(0);
                WebSocketReceiveResult part;
                do
                {
                    part = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (part.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }
                    message.Write(buffer, 0, part.Count);
                }
                while (!part.EndOfMessage);
                Dispatch(JsonNode.Parse(message.ToArray())!.AsObject());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The browser went away or the page was disposed.
        }
        finally
        {
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new InvalidOperationException("the browser closed the DevTools connection"));
            }
        }
    }

    private void Dispatch(JsonObject message)
    {
        if (message["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var reply))
        {
            reply.TrySetResult(message);
            return;
        }
        var parameters = message["params"];
        var error = (string?)message["method"] switch
        {
            "Runtime.exceptionThrown" => "exception: " + (parameters?["exceptionDetails"]?["exception"]?["description"] ?? parameters?["exceptionDetails"]?["text"]),
            "Runtime.consoleAPICalled" when (string?)parameters?["type"] is "error" or "assert" =>
                "console." + parameters!["type"] + ": " + string.Join(" ", parameters["args"]!.AsArray().Select(a => a?["value"]?.ToString() ?? a?["description"]?.ToString())),
            "Log.entryAdded" when (string?)parameters?["entry"]?["level"] == "error" =>
                "log: " + parameters!["entry"]!["text"] + " " + parameters["entry"]!["url"],
            _ => null,
        };
        if (error is not null)
        {
            lock (_errors)
            {
                _errors.Add(error);
            }
        }
    }

    private static async Task<int> DevToolsPortAsync(string profile, Process browser, CancellationToken cancellationToken)
    {
        // Chromium writes the port it picked into the profile once it listens.
        var file = Path.Combine(profile, "DevToolsActivePort");
        while (true)
        {
            if (browser.HasExited)
            {
                throw new InvalidOperationException($"chromium exited with code {browser.ExitCode} before it listened for DevTools");
            }
            if (File.Exists(file) && (await File.ReadAllLinesAsync(file, cancellationToken)) is [var first, ..] && int.TryParse(first, out var port))
            {
                return port;
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (!_browser.HasExited)
            {
                _browser.Kill(entireProcessTree: true);
            }
            await _browser.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        await _receiving;
        _socket.Dispose();
        _browser.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium's last writes can race the delete; the temp folder is cleaned by the OS.
        }
    }
}
