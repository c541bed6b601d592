using ModelContextProtocol.Protocol;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Tests.Voices;
using static Qwen3Tts.Tests.Audio.WavFixtures;

namespace Qwen3Tts.Tests.Mcp;

/// <summary>clone_voice through a real stdio client: a clip from the input directory or inline becomes a library voice that text_to_speech speaks.</summary>
public sealed class McpCloneVoiceTests(McpServerFixture server) : IClassFixture<McpServerFixture>
{
    private const string Words = "Some reference words.";

    [Fact]
    public async Task AClipFileIsClonedAndSpokenByName()
    {
        CloneFixtures.WriteReferenceWav(server.OutputDirectory, "anna.wav");

        var cloned = await server.CallAsync("clone_voice", new() { ["name"] = "anna", ["ref_text"] = Words, ["audio_file"] = "anna.wav" });
        Assert.True(cloned.IsError is null or false, TextOf(cloned) + "\n" + server.Stderr);
        Assert.Contains("Saved voice 'anna'", TextOf(cloned));
        Assert.Contains("17 frames", TextOf(cloned));
        Assert.True(File.Exists(Path.Combine(server.VoicesDirectory, "anna.json")));

        var listed = await server.CallAsync("list_voices", []);
        Assert.Contains("anna", TextOf(listed));

        var spoken = await server.CallAsync("text_to_speech", new() { ["text"] = "Spoken with a cloned voice.", ["voice"] = "anna", ["seed"] = 3 });
        Assert.True(spoken.IsError is null or false, TextOf(spoken) + "\n" + server.Stderr);
        var audio = Assert.Single(spoken.Content.OfType<AudioContentBlock>());
        var expected = await server.ExpectedWavAsync("Spoken with a cloned voice.", "auto", "anna", 3);
        Assert.Equal(WavReader.Parse(expected, "expected").Samples, WavReader.Parse(audio.DecodedData.Span, "inline").Samples);
    }

    [Fact]
    public async Task AnInlineClipIsClonedLikeTheSameFile()
    {
        var clip = CloneFixtures.ReferenceWav();
        CloneFixtures.WriteReferenceWav(server.OutputDirectory, "same.wav");

        var inline = await server.CallAsync("clone_voice", new() { ["name"] = "inline-voice", ["ref_text"] = Words, ["audio_base64"] = Convert.ToBase64String(clip) });
        var file = await server.CallAsync("clone_voice", new() { ["name"] = "file-voice", ["ref_text"] = Words, ["audio_file"] = "same.wav" });

        Assert.True(inline.IsError is null or false, TextOf(inline) + "\n" + server.Stderr);
        Assert.True(file.IsError is null or false, TextOf(file));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(server.VoicesDirectory, "file-voice.json")),
            await File.ReadAllBytesAsync(Path.Combine(server.VoicesDirectory, "inline-voice.json")));
    }

    public static TheoryData<string, string> BadCalls() => new()
    {
        { "outside", "outside the input directory" },
        { "absolute", "outside the input directory" },
        { "not-wav-name", "must be a .wav file" },
        { "missing-file", "not found" },
        { "both", "not both" },
        { "neither", "audio_file" },
        { "not-base64", "not valid base64" },
        { "bad-name", "is not a voice name" },
        { "no-text", "reference text is empty" },
        { "not-a-wav", "audio_base64" },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public async Task BadArgumentsAreToolErrorsAndSaveNothing(string kind, string message)
    {
        var clip = Convert.ToBase64String(CloneFixtures.ReferenceWav());
        var name = "bad-" + kind;
        Dictionary<string, object?> arguments = kind switch
        {
            "outside" => new() { ["name"] = name, ["ref_text"] = Words, ["audio_file"] = "../voices/x.wav" },
            "absolute" => new() { ["name"] = name, ["ref_text"] = Words, ["audio_file"] = "/etc/x.wav" },
            "not-wav-name" => new() { ["name"] = name, ["ref_text"] = Words, ["audio_file"] = "notes.txt" },
            "missing-file" => new() { ["name"] = name, ["ref_text"] = Words, ["audio_file"] = "nobody.wav" },
            "both" => new() { ["name"] = name, ["ref_text"] = Words, ["audio_file"] = "x.wav", ["audio_base64"] = clip },
            "neither" => new() { ["name"] = name, ["ref_text"] = Words },
            "not-base64" => new() { ["name"] = name, ["ref_text"] = Words, ["audio_base64"] = "%%%" },
            "bad-name" => new() { ["name"] = "../escape", ["ref_text"] = Words, ["audio_base64"] = clip },
            "no-text" => new() { ["name"] = name, ["ref_text"] = " ", ["audio_base64"] = clip },
            "not-a-wav" => new() { ["name"] = name, ["ref_text"] = Words, ["audio_base64"] = Convert.ToBase64String("not audio"u8.ToArray()) },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var result = await server.CallAsync("clone_voice", arguments);

        Assert.True(result.IsError, TextOf(result));
        Assert.Contains(message, TextOf(result));
        Assert.DoesNotContain(Directory.EnumerateFiles(server.VoicesDirectory), f => f.Contains("bad-", StringComparison.Ordinal) || f.Contains("escape", StringComparison.Ordinal));
    }

    /// <summary>
    /// A clip file the server cannot use is named as the client gave it, as HTTP names its field: the server's absolute
    /// paths are no business of the client's (docs/reliability.md, row 13).
    /// </summary>
    [Theory]
    [InlineData("missing", "reference audio not found: clips/missing.wav")]
    [InlineData("not-a-wav", "clips/not-a-wav.wav: ")]
    [InlineData("silent", "clips/silent.wav: ")]
    [InlineData("directory", "clips/directory.wav: is a directory")]
    public async Task AClipFileItCannotUseIsNamedAsTheClientGaveIt(string kind, string message)
    {
        var clips = Path.Combine(server.OutputDirectory, "clips");
        Directory.CreateDirectory(clips);
        var file = Path.Combine(clips, kind + ".wav");
        switch (kind)
        {
            case "not-a-wav":
                await File.WriteAllTextAsync(file, "not audio at all");
                break;
            case "silent":
                await File.WriteAllBytesAsync(file, Riff(Fmt(1, 1, 24000, 16), Chunk("data", Int16s(new short[24000]))));
                break;
            case "directory":
                Directory.CreateDirectory(file);
                break;
        }

        var result = await server.CallAsync("clone_voice", new() { ["name"] = "unusable-" + kind, ["ref_text"] = Words, ["audio_file"] = $"clips/{kind}.wav" });

        Assert.True(result.IsError, TextOf(result));
        Assert.Contains(message, TextOf(result));
        Assert.DoesNotContain(server.Root, TextOf(result));
        Assert.DoesNotContain(Directory.EnumerateFiles(server.VoicesDirectory), f => f.Contains("unusable-", StringComparison.Ordinal));
    }

    private static string TextOf(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
