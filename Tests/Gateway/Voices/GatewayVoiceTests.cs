using System.Net;
using System.Text.Json;
using Qwen3Tts.Tests.Voices;
using static Qwen3Tts.Tests.Audio.WavFixtures;

namespace Qwen3Tts.Tests.Gateway.Voices;

/// <summary>
/// The voice library over HTTP: an upload is encoded by the cluster and saved, listed, described, spoken with (bit
/// for bit as the CLI speaks the saved file, and as a one-off ref_audio of the same clip) and removed; every bad
/// upload is a 400 naming the field and leaves nothing in the library.
/// </summary>
public sealed class GatewayVoiceTests(VoiceGatewayFixture fixture) : IClassFixture<VoiceGatewayFixture>
{
    private const string Words = "Some reference words.";
    private const string Text = "Hello from a cloned voice.";

    [Fact]
    public async Task AnUploadedVoiceIsListedDescribedSpokenAsTheCliSpeaksItAndRemoved()
    {
        var clip = CloneFixtures.ReferenceWav();
        using var created = await VoiceUploads.PostAsync(fixture.Http, "anna", clip, Words);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/voices/anna", created.Headers.Location?.OriginalString);
        using (var voice = JsonDocument.Parse(await created.Content.ReadAsStringAsync()))
        {
            var root = voice.RootElement;
            Assert.Equal("anna", root.GetProperty("id").GetString());
            Assert.Equal("voice", root.GetProperty("object").GetString());
            Assert.Equal(17, root.GetProperty("frames").GetInt32());
            Assert.Equal(Words, root.GetProperty("ref_text").GetString());
            Assert.True(root.GetProperty("speaker_embedding_size").GetInt32() > 0);
            Assert.Equal(1.3, root.GetProperty("duration_seconds").GetDouble(), 3);
            Assert.StartsWith("sha256:", root.GetProperty("speech_tokenizer").GetString());
        }
        using (var list = JsonDocument.Parse(await fixture.Http.GetStringAsync("/v1/voices")))
        {
            Assert.Contains("anna", list.RootElement.GetProperty("data").EnumerateArray().Select(v => v.GetProperty("id").GetString()));
        }
        using (var one = JsonDocument.Parse(await fixture.Http.GetStringAsync("/v1/voices/anna")))
        {
            Assert.Equal(17, one.RootElement.GetProperty("frames").GetInt32());
        }

        using var spoken = await SpeechRequests.PostAsync(fixture.Http, new { model = "tts-1", input = Text, voice = "anna", seed = 7, response_format = "wav" });
        Assert.Equal(HttpStatusCode.OK, spoken.StatusCode);
        var http = SpeechRequests.PcmOf(await spoken.Content.ReadAsByteArrayAsync());
        using var plain = await SpeechRequests.PostAsync(fixture.Http, new { model = "tts-1", input = Text, seed = 7, response_format = "wav" });
        Assert.NotEqual(http, SpeechRequests.PcmOf(await plain.Content.ReadAsByteArrayAsync()));

        var output = Path.Combine(fixture.VoicesDirectory, "..", "cli.wav");
        var cli = await RunCliAsync(["speak", Text, "--voice", Path.Combine(fixture.VoicesDirectory, "anna.json"), "--models", fixture.ModelsDirectory, "--seed", "7", "-o", output]);
        Assert.True(cli.Code == 0, cli.Error);
        Assert.Equal(http, SpeechRequests.PcmOf(await File.ReadAllBytesAsync(output)));

        // The same clip as a one-off: the same voice, so the same audio; bare base64 and a data: URL alike.
        foreach (var refAudio in new[] { Convert.ToBase64String(clip), "data:audio/wav;base64," + Convert.ToBase64String(clip) })
        {
            using var oneOff = await SpeechRequests.PostAsync(fixture.Http, new { model = "tts-1", input = Text, ref_audio = refAudio, ref_text = Words, seed = 7, response_format = "wav" });
            Assert.Equal(HttpStatusCode.OK, oneOff.StatusCode);
            Assert.Equal(http, SpeechRequests.PcmOf(await oneOff.Content.ReadAsByteArrayAsync()));
        }

        using var deleted = await fixture.Http.DeleteAsync("/v1/voices/anna");
        using (var answer = JsonDocument.Parse(await deleted.Content.ReadAsStringAsync()))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            Assert.True(answer.RootElement.GetProperty("deleted").GetBoolean());
        }
        Assert.False(File.Exists(Path.Combine(fixture.VoicesDirectory, "anna.json")));
        using var gone = await fixture.Http.GetAsync("/v1/voices/anna");
        await OpenAiErrorAssert.IsErrorAsync(gone, HttpStatusCode.NotFound, "invalid_request_error", "name", "voice_not_found");
    }

    public static TheoryData<string, string, string?> BadUploads() => new()
    {
        { "no-name", "name", null },
        { "bad-name", "name", "invalid_voice_name" },
        { "default-name", "name", "invalid_voice_name" },
        { "no-audio", "audio", null },
        { "audio-as-text", "audio", null },
        { "not-a-wav", "audio", "invalid_audio" },
        { "truncated-wav", "audio", "invalid_audio" },
        { "too-long", "audio", "invalid_audio" },
        { "silent", "audio", "invalid_audio" },
        { "too-big-file", "audio", "file_too_large" },
        { "no-text", "ref_text", null },
        { "blank-text", "ref_text", null },
        { "long-text", "ref_text", null },
        { "twice-named", "name", null },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task EveryBadUploadIsA400NamingTheFieldAndLeavesNoFile(string kind, string param, string? code)
    {
        var wav = CloneFixtures.ReferenceWav();
        var name = "bad-" + kind;
        using var form = kind switch
        {
            "no-name" => VoiceUploads.Form(null, wav, Words),
            "bad-name" => VoiceUploads.Form("../outside", wav, Words),
            "default-name" => VoiceUploads.Form("default", wav, Words),
            "no-audio" => VoiceUploads.Form(name, null, Words),
            "audio-as-text" => WithTextAudio(name),
            "not-a-wav" => VoiceUploads.Form(name, "this is not audio at all"u8.ToArray(), Words),
            "truncated-wav" => VoiceUploads.Form(name, wav[..30], Words),
            "too-long" => VoiceUploads.Form(name, Tone(VoiceGatewayFixture.MaxSeconds + 1), Words),
            "silent" => VoiceUploads.Form(name, Riff(Fmt(1, 1, 8000, 16), Chunk("data", new byte[16000])), Words),
            "too-big-file" => VoiceUploads.Form(name, new byte[VoiceGatewayFixture.MaxUploadBytes + 1], Words),
            "no-text" => VoiceUploads.Form(name, wav, null),
            "blank-text" => VoiceUploads.Form(name, wav, "   "),
            "long-text" => VoiceUploads.Form(name, wav, new string('a', VoiceGatewayFixture.MaxReferenceTextCharacters + 1)),
            "twice-named" => Twice(VoiceUploads.Form(name, wav, Words), "name", name),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var response = await VoiceUploads.PostAsync(fixture.Http, form);

        await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", param, code);
        Assert.DoesNotContain(LibraryFiles(), f => f.Contains(kind, StringComparison.Ordinal) || f.Contains("outside", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATakenNameIsRefusedAndTheFirstVoiceStaysWhole()
    {
        using var first = await VoiceUploads.PostAsync(fixture.Http, "taken", CloneFixtures.ReferenceWav(), Words);
        var before = await File.ReadAllBytesAsync(Path.Combine(fixture.VoicesDirectory, "taken.json"));
        using var second = await VoiceUploads.PostAsync(fixture.Http, "Taken", CloneFixtures.ReferenceWav(0.8), "Other words.");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await OpenAiErrorAssert.IsErrorAsync(second, HttpStatusCode.BadRequest, "invalid_request_error", "name", "voice_exists");
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(fixture.VoicesDirectory, "taken.json")));
        using var removed = await fixture.Http.DeleteAsync("/v1/voices/taken");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
    }

    [Fact]
    public async Task ConcurrentUploadsOfOneNameSaveExactlyOneVoice()
    {
        var uploads = Enumerable.Range(0, 3).Select(_ => VoiceUploads.PostAsync(fixture.Http, "racer", CloneFixtures.ReferenceWav(), Words)).ToList();
        var responses = await Task.WhenAll(uploads);
        try
        {
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
            Assert.Equal(["racer.json"], LibraryFiles().Where(f => f.StartsWith("racer", StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
            using var removed = await fixture.Http.DeleteAsync("/v1/voices/racer");
        }
    }

    [Fact]
    public async Task UploadsThatAreNotFormsOrAreTooLargeAreRefusedWhole()
    {
        using var json = await fixture.Http.PostAsync("/v1/voices", SpeechRequests.Json(new { name = "x", audio = "AAAA", ref_text = Words }));
        // Over the largest body (gateway.maxRequestBytes plus a clip in base64): refused from Content-Length.
        using var huge = new ByteArrayContent(new byte[1024 * 1024 + VoiceGatewayFixture.MaxUploadBytes * 2]);
        using var tooLarge = await VoiceUploads.PostAsync(fixture.Http, Wrap(huge));

        await OpenAiErrorAssert.IsErrorAsync(json, HttpStatusCode.UnsupportedMediaType, "invalid_request_error", null, "unsupported_media_type");
        await OpenAiErrorAssert.IsErrorAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", null, "request_too_large");
    }

    [Fact]
    public async Task RemovingAVoiceThatIsNotThereOrIsNotANameIsRefused()
    {
        using var unknown = await fixture.Http.DeleteAsync("/v1/voices/nobody");
        using var invalid = await fixture.Http.DeleteAsync("/v1/voices/.hidden");
        using var builtIn = await fixture.Http.DeleteAsync("/v1/voices/default");

        await OpenAiErrorAssert.IsErrorAsync(unknown, HttpStatusCode.NotFound, "invalid_request_error", "name", "voice_not_found");
        await OpenAiErrorAssert.IsErrorAsync(invalid, HttpStatusCode.BadRequest, "invalid_request_error", "name", "invalid_voice_name");
        await OpenAiErrorAssert.IsErrorAsync(builtIn, HttpStatusCode.BadRequest, "invalid_request_error", "name", "invalid_voice_name");
    }

    public static TheoryData<string, string> BadOneOffs() => new()
    {
        { "not-base64", "ref_audio" },
        { "url", "ref_audio" },
        { "data-url-without-base64", "ref_audio" },
        { "not-a-wav", "ref_audio" },
        { "too-long", "ref_audio" },
        { "no-text", "ref_text" },
        { "text-alone", "ref_text" },
        { "with-a-voice", "voice" },
    };

    [Theory]
    [MemberData(nameof(BadOneOffs))]
    public async Task EveryBadOneOffCloneIsA400NamingTheField(string kind, string param)
    {
        var wav = Convert.ToBase64String(CloneFixtures.ReferenceWav());
        object body = kind switch
        {
            "not-base64" => new { model = "tts-1", input = Text, ref_audio = "not base64 at all!", ref_text = Words },
            "url" => new { model = "tts-1", input = Text, ref_audio = "https://example.com/clip.wav", ref_text = Words },
            "data-url-without-base64" => new { model = "tts-1", input = Text, ref_audio = "data:audio/wav," + wav, ref_text = Words },
            "not-a-wav" => new { model = "tts-1", input = Text, ref_audio = Convert.ToBase64String("RIFF but not really"u8.ToArray()), ref_text = Words },
            "too-long" => new { model = "tts-1", input = Text, ref_audio = Convert.ToBase64String(Tone(VoiceGatewayFixture.MaxSeconds + 1)), ref_text = Words },
            "no-text" => new { model = "tts-1", input = Text, ref_audio = wav },
            "text-alone" => new { model = "tts-1", input = Text, ref_text = Words },
            "with-a-voice" => new { model = "tts-1", input = Text, voice = "someone", ref_audio = wav, ref_text = Words },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var response = await SpeechRequests.PostAsync(fixture.Http, body);

        var message = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", param, param == "ref_audio" ? "invalid_audio" : null);
        if (param == "ref_audio")
        {
            Assert.Contains("ref_audio", message);
        }
    }

    private static byte[] Tone(double seconds)
    {
        var samples = Enumerable.Range(0, (int)(8000 * seconds)).Select(i => (short)(8000 * Math.Sin(i * 0.3))).ToArray();
        return Riff(Fmt(1, 1, 8000, 16), Chunk("data", Int16s(samples)));
    }

    private static MultipartFormDataContent WithTextAudio(string name)
    {
        var form = VoiceUploads.Form(name, null, Words);
        form.Add(new StringContent("UklGRg=="), "audio");
        return form;
    }

    private static MultipartFormDataContent Twice(MultipartFormDataContent form, string field, string value)
    {
        form.Add(new StringContent(value), field);
        return form;
    }

    private static MultipartFormDataContent Wrap(HttpContent file)
    {
        var form = VoiceUploads.Form("huge", null, Words);
        form.Add(file, "audio", "huge.wav");
        return form;
    }

    private IEnumerable<string> LibraryFiles() =>
        Directory.Exists(fixture.VoicesDirectory) ? Directory.EnumerateFiles(fixture.VoicesDirectory).Select(f => Path.GetFileName(f)!) : [];

    private static async Task<(int Code, string Error)> RunCliAsync(string[] args)
    {
        var error = new StringWriter();
        var code = await Qwen3Tts.Cli.CliApp.RunAsync(args, new StringWriter(), error);
        return (code, error.ToString());
    }
}
