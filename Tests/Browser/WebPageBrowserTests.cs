using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Qwen3Tts.Grains;
using Qwen3Tts.Tests.Gateway;

namespace Qwen3Tts.Tests.Browser;

/// <summary>
/// A fact that needs Debian's chromium. Skipped on a developer machine without it; on CI (<c>CI</c> set, where
/// .ci/run installs it) it runs and fails, so a missing browser cannot pass silently.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (ChromiumPage.Executable is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = "install chromium (apt-get install chromium) to test the web page in a browser";
        }
    }
}

/// <summary>The page at / in headless Chromium: type, speak, the audio plays while it streams, stop cancels; no console errors.</summary>
[Collection(GatewayCollection.Name)]
public sealed class WebPageBrowserTests(GatewayFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [ChromiumFact]
    public async Task TypedTextIsSpokenAsItStreamsAndEqualsTheServersAudio()
    {
        await using var page = await ChromiumPage.OpenAsync(fixture.Server.BaseAddress, Timeout);
        await page.WaitUntilAsync($"[...document.getElementById('voice').options].some(o => o.value === '{GatewayFixture.VoiceName}')", Timeout);

        await page.EvaluateAsync($$"""
            document.getElementById('text').value = 'Typed in a browser. It plays while it streams.';
            document.getElementById('voice').value = '{{GatewayFixture.VoiceName}}';
            document.getElementById('speed').value = '1.25';
            document.getElementById('seed').value = '41';
            document.getElementById('speak').click();
            """);
        await page.WaitUntilAsync("document.body.dataset.state === 'done'", Timeout);

        var heard = await page.EvaluateAsync("""
            ({ samples: page.receivedSamples, chunks: page.chunks.length, clock: page.audio.currentTime, context: page.audio.state,
               stats: document.getElementById('stats').textContent, download: document.getElementById('download').hidden,
               pcm: Array.from(page.chunks.flatMap(c => Array.from(c))) })
            """);
        Assert.Equal("running", (string?)heard!["context"]);
        Assert.True((double)heard["clock"]! > 0, "the audio clock did not move: nothing was played");
        Assert.Contains("frames/s", (string?)heard["stats"]);
        Assert.Contains("RTF", (string?)heard["stats"]);
        Assert.False((bool)heard["download"]!);

        // What the page played is exactly what the API gives for the same request.
        using var direct = await fixture.Http.PostAsync("/v1/audio/speech", SpeechRequests.Json(new
        {
            model = "qwen3-tts", input = "Typed in a browser. It plays while it streams.", voice = GatewayFixture.VoiceName,
            language = "auto", speed = 1.25, seed = 41, response_format = "pcm",
        }));
        var expected = await direct.Content.ReadAsByteArrayAsync();
        var played = heard["pcm"]!.AsArray().Select(b => (byte)(int)b!).ToArray();
        Assert.Equal(expected.Length / 2, (int)heard["samples"]!);
        Assert.Equal(expected, played);
        Assert.Empty(page.Errors);
    }

    [ChromiumFact]
    public async Task StopCancelsTheStreamAndThePlayback()
    {
        await using var page = await ChromiumPage.OpenAsync(fixture.Server.BaseAddress, Timeout);
        var text = string.Join(" ", Enumerable.Repeat("A sentence that keeps the talker busy for a while.", 11));
        Assert.True(text.Length <= GatewayFixture.MaxInputCharacters);

        // Stop is pressed the moment the first audio plays, while the later chunks are still being generated
        // (polling from here could miss that moment: the tiny model speaks this text in about a second).
        await page.EvaluateAsync($$"""
            new MutationObserver((_, observer) => {
              if (document.body.dataset.state === 'playing') { observer.disconnect(); window.samplesAtStop = page.receivedSamples; document.getElementById('stop').click(); }
            }).observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
            document.getElementById('text').value = {{JsonSerializer.Serialize(text)}};
            document.getElementById('speak').click();
            """);
        await page.WaitUntilAsync("document.body.dataset.state === 'cancelled' || document.body.dataset.state === 'done'", Timeout);

        var after = await page.EvaluateAsync("({ state: document.body.dataset.state, received: page.receivedSamples, atStop: window.samplesAtStop, playing: page.sources.size, stop: document.getElementById('stop').disabled, speak: document.getElementById('speak').disabled, status: document.getElementById('status').textContent })");
        Assert.Equal("cancelled", (string?)after!["state"]);
        Assert.Equal((int)after["atStop"]!, (int)after["received"]!);
        Assert.Equal(0, (int)after["playing"]!);
        Assert.True((bool)after["stop"]!);
        Assert.False((bool)after["speak"]!);
        Assert.Equal("Stopped.", (string?)after["status"]);
        Assert.Empty(page.Errors);

        // The server stopped that synthesis too: its SynthesisGrain is gone (not left running the later chunks).
        var management = fixture.Server.Host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int running;
        do
        {
            await Task.Delay(100);
            running = (await management.GetSimpleGrainStatistics())
                .Where(g => g.GrainType.StartsWith(typeof(SynthesisGrain).FullName!, StringComparison.Ordinal)).Sum(g => g.ActivationCount);
        }
        while (running > 0 && clock.Elapsed < Timeout);
        Assert.Equal(0, running);
    }
}
