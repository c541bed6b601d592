using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Qwen3Tts.Inference.Audio.Encoders;
using Qwen3Tts.Tests.Codec.Encoder;
using Qwen3Tts.Tests.Gateway;
using Qwen3Tts.Tests.Gateway.Voices;
using Qwen3Tts.Tests.Voices;
using static Qwen3Tts.Tests.Audio.WavFixtures;

namespace Qwen3Tts.Tests.Browser;

/// <summary>
/// Cloning from the page at / in headless Chromium: a chosen WAV file or a recording from Chromium's fake microphone
/// is saved as a named voice (POST /v1/voices), selected, spoken with and deleted; a refused upload shows the
/// server's own message next to the form and leaves the library as it was.
/// </summary>
public sealed class WebPageCloningBrowserTests(VoiceGatewayFixture fixture) : IClassFixture<VoiceGatewayFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private const string Words = "Some reference words.";

    private readonly string _files = Directory.CreateTempSubdirectory("qwen3-page-clips-").FullName;

    [ChromiumFact]
    public async Task AnUploadedClipIsSavedSelectedSpokenWithAndDeleted()
    {
        var clip = CloneFixtures.WriteReferenceWav(_files, "anna.wav");
        await using var page = await OpenAsync();

        await page.SetFileInputFilesAsync("#clone-file", [clip]);
        await WaitForCloneAsync(page, "ready");
        await SaveAsync(page, "anna", Words);

        using (var list = JsonDocument.Parse(await fixture.Http.GetStringAsync("/v1/voices")))
        {
            Assert.Contains("anna", list.RootElement.GetProperty("data").EnumerateArray().Select(v => v.GetProperty("id").GetString()));
        }
        var saved = await VoiceAsync("anna");
        // The WAV went to the server as it was chosen: 1.3 s of 44.1 kHz stereo.
        Assert.Equal(1.3, (double)saved["duration_seconds"]!, 3);
        Assert.Equal(Words, (string?)saved["ref_text"]);
        var shown = await page.EvaluateAsync("({ voice: document.getElementById('voice').value, remove: document.getElementById('delete-voice').disabled, status: document.getElementById('clone-status').textContent })");
        Assert.Equal("anna", (string?)shown!["voice"]);
        Assert.False((bool)shown["remove"]!);
        Assert.Contains("anna", (string?)shown["status"]);

        // Speak with it: it plays, and what played is the API's audio for that voice and seed.
        await page.EvaluateAsync("""
            document.getElementById('text').value = 'Spoken with the voice just saved.';
            document.getElementById('seed').value = '5';
            document.getElementById('speak').click();
            """);
        await page.WaitUntilAsync("document.body.dataset.state === 'done'", Timeout);
        var heard = await page.EvaluateAsync("({ clock: page.audio.currentTime, pcm: Array.from(page.chunks.flatMap(c => Array.from(c))) })");
        Assert.True((double)heard!["clock"]! > 0, "the audio clock did not move: nothing was played");
        using var direct = await SpeechRequests.PostAsync(fixture.Http, new
        {
            model = "qwen3-tts", input = "Spoken with the voice just saved.", voice = "anna", language = "auto", speed = 1.0, seed = 5, response_format = "pcm",
        });
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal(await direct.Content.ReadAsByteArrayAsync(), heard["pcm"]!.AsArray().Select(b => (byte)(int)b!).ToArray());

        await page.EvaluateAsync("window.confirm = () => true; document.getElementById('delete-voice').click()");
        await WaitForCloneAsync(page, "deleted");
        using var gone = await fixture.Http.GetAsync("/v1/voices/anna");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.False(File.Exists(Path.Combine(fixture.VoicesDirectory, "anna.json")));
        Assert.Equal(false, (bool?)await page.EvaluateAsync("[...document.getElementById('voice').options].some(o => o.value === 'anna')"));
        Assert.Empty(page.Errors);
    }

    [ChromiumFact]
    public async Task AClipThatIsNotWavIsDecodedInThePageAndSentAsWav()
    {
        // Ogg Opus (what a phone's recorder or MediaRecorder gives), 1.5 s: the server alone would refuse it.
        var samples = MimiAudioEncoderTests.TestAudio(36000).Select(v => v * 0.6f).ToArray();
        var ogg = await AudioEncoders.EncodeAsync(SpeechFormat.Opus, samples, null, CancellationToken.None);
        var file = Path.Combine(_files, "memo.ogg");
        await File.WriteAllBytesAsync(file, ogg);
        using (var refused = await VoiceUploads.PostAsync(fixture.Http, "memo", ogg, Words))
        {
            await OpenAiErrorAssert.IsErrorAsync(refused, HttpStatusCode.BadRequest, "invalid_request_error", "audio", "invalid_audio");
        }
        await using var page = await OpenAsync();

        await page.SetFileInputFilesAsync("#clone-file", [file]);
        await WaitForCloneAsync(page, "ready");
        Assert.Contains("converted to WAV", (string?)await page.EvaluateAsync("document.getElementById('clone-status').textContent"));
        Assert.Equal("memo.wav", (string?)await page.EvaluateAsync("clone.fileName"));
        await SaveAsync(page, "memo", Words);

        Assert.Equal(1.5, (double)(await VoiceAsync("memo"))["duration_seconds"]!, 0.05);
        Assert.Empty(page.Errors);
        using var removed = await fixture.Http.DeleteAsync("/v1/voices/memo");
    }

    [ChromiumFact]
    public async Task ARecordingFromTheMicrophoneIsSavedWithTheLengthRecorded()
    {
        // What the fake microphone says, looped: two seconds of the encoder tests' voice-like signal at 48 kHz.
        var speech = MimiAudioEncoderTests.TestAudio(2 * 48000).Select(v => (short)(v * 20000)).ToArray();
        var microphone = Path.Combine(_files, "microphone.wav");
        await File.WriteAllBytesAsync(microphone, Riff(Fmt(1, 1, 48000, 16), Chunk("data", Int16s(speech))));
        await using var page = await OpenAsync(ChromiumPage.FakeMicrophone(microphone));
        Assert.Equal(VoiceGatewayFixture.MaxSeconds, (double)(await page.EvaluateAsync("CLONE_MAX_SECONDS"))!);

        await page.EvaluateAsync("document.getElementById('record').click()");
        await WaitForCloneAsync(page, "recording");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await page.EvaluateAsync("window.recordedFor = (performance.now() - clone.started) / 1000; document.getElementById('record').click()");
        await WaitForCloneAsync(page, "ready");
        var recorded = await page.EvaluateAsync("({ wall: window.recordedFor, seconds: clone.seconds, preview: document.getElementById('clone-preview').hidden })");
        Assert.False((bool)recorded!["preview"]!);
        await SaveAsync(page, "mic", Words);

        var saved = await VoiceAsync("mic");
        var duration = (double)saved["duration_seconds"]!;
        // The server's source length is the WAV the page built from the recording, and that is about the time recorded
        // (MediaRecorder starts a moment after the click; the fixture's limit of 3 s caps a slow stop).
        Assert.Equal((double)recorded["seconds"]!, duration, 3);
        Assert.InRange(duration, (double)recorded["wall"]! - 0.6, Math.Min((double)recorded["wall"]! + 0.6, VoiceGatewayFixture.MaxSeconds));
        Assert.InRange(duration, 1.2, VoiceGatewayFixture.MaxSeconds);
        Assert.True((int)saved["frames"]! > 10);
        Assert.Equal("mic", (string?)await page.EvaluateAsync("document.getElementById('voice').value"));
        Assert.Empty(page.Errors);
        using var removed = await fixture.Http.DeleteAsync("/v1/voices/mic");
    }

    [ChromiumFact]
    public async Task ARefusedUploadShowsTheServersMessageAndSavesNothing()
    {
        var silent = Riff(Fmt(1, 1, 8000, 16), Chunk("data", new byte[16000]));
        var tooLong = Riff(Fmt(1, 1, 8000, 16), Chunk("data", Int16s([.. Enumerable.Range(0, (int)(8000 * (VoiceGatewayFixture.MaxSeconds + 1))).Select(i => (short)(8000 * Math.Sin(i * 0.3)))])));
        var cases = new (string Name, byte[] Wav, string Text, string Field, string Input)[]
        {
            ("quiet", silent, Words, "audio", "clone-file"),
            ("lengthy", tooLong, Words, "audio", "clone-file"),
            ("wordless", CloneFixtures.ReferenceWav(), "", "ref_text", "clone-text"),
        };
        await using var page = await OpenAsync();
        foreach (var (name, wav, text, field, input) in cases)
        {
            var file = Path.Combine(_files, name + ".wav");
            await File.WriteAllBytesAsync(file, wav);
            // The last case left the form in 'error': cleared, so the wait below sees this file's outcome.
            await page.EvaluateAsync("document.getElementById('clone-form').dataset.state = 'choosing'");
            await page.SetFileInputFilesAsync("#clone-file", [file]);
            await WaitForCloneAsync(page, "ready");
            await page.EvaluateAsync($$"""
                document.getElementById('clone-text').value = {{JsonSerializer.Serialize(text)}};
                document.getElementById('clone-name').value = {{JsonSerializer.Serialize(name)}};
                document.getElementById('clone-save').click();
                """);
            await WaitForCloneAsync(page, "error");

            // The same upload sent straight to the server: the page shows its very message and marks the field it names.
            using var direct = await VoiceUploads.PostAsync(fixture.Http, name, wav, text);
            var message = await OpenAiErrorAssert.IsErrorAsync(direct, HttpStatusCode.BadRequest, "invalid_request_error", field, field == "audio" ? "invalid_audio" : null);
            var shown = await page.EvaluateAsync($"({{ status: document.getElementById('clone-status').textContent, error: document.getElementById('clone-status').className, marked: document.getElementById('{input}').getAttribute('aria-invalid') }})");
            Assert.Equal(message, (string?)shown!["status"]);
            Assert.Equal("error", (string?)shown["error"]);
            Assert.Equal("true", (string?)shown["marked"]);
            Assert.False(File.Exists(Path.Combine(fixture.VoicesDirectory, name + ".json")));
            Assert.Equal(false, (bool?)await page.EvaluateAsync($"[...document.getElementById('voice').options].some(o => o.value === '{name}')"));
        }
        Assert.DoesNotContain(Directory.EnumerateFiles(fixture.VoicesDirectory), f => cases.Any(c => Path.GetFileName(f).StartsWith(c.Name, StringComparison.Ordinal)));
        // Chromium logs each refused request ("the server responded with a status of 400"); nothing else went wrong.
        Assert.All(page.Errors, e => Assert.Contains("status of 400", e));
    }

    private async Task<ChromiumPage> OpenAsync(IReadOnlyList<string>? flags = null)
    {
        var page = await ChromiumPage.OpenAsync(fixture.Server.BaseAddress, Timeout, flags);
        // The voice list has been asked for (languages filled) and names a model that clones.
        await page.WaitUntilAsync("document.getElementById('language').options.length > 1 && !document.getElementById('clone-form').hidden", Timeout);
        return page;
    }

    private static async Task SaveAsync(ChromiumPage page, string name, string text)
    {
        await page.EvaluateAsync($$"""
            document.getElementById('clone-text').value = {{JsonSerializer.Serialize(text)}};
            document.getElementById('clone-name').value = {{JsonSerializer.Serialize(name)}};
            document.getElementById('clone-save').click();
            """);
        await WaitForCloneAsync(page, "saved");
    }

    /// <summary>Waits until the clone form reaches <paramref name="state"/>; an error on the way fails at once with the page's message.</summary>
    private static async Task WaitForCloneAsync(ChromiumPage page, string state)
    {
        var settled = state == "error" ? "'error'" : $"'{state}' || s === 'error'";
        await page.WaitUntilAsync($"(s => s === {settled})(document.getElementById('clone-form').dataset.state)", Timeout);
        var reached = await page.EvaluateAsync("({ state: document.getElementById('clone-form').dataset.state, status: document.getElementById('clone-status').textContent })");
        Assert.True((string?)reached!["state"] == state, $"the clone form is '{reached["state"]}', not '{state}': {reached["status"]} (errors: {string.Join(" | ", page.Errors)})");
    }

    private async Task<JsonNode> VoiceAsync(string name) => JsonNode.Parse(await fixture.Http.GetStringAsync("/v1/voices/" + name))!;

    public void Dispose() => Directory.Delete(_files, recursive: true);
}
