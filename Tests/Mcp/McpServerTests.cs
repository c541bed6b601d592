using System.Text.Json;
using ModelContextProtocol.Protocol;
using Qwen3Tts.Inference.Audio;

namespace Qwen3Tts.Tests.Mcp;

/// <summary>`qwen3-tts mcp` through a real stdio client: initialize, tools/list and tools/call.</summary>
public sealed class McpServerTests(McpServerFixture server) : IClassFixture<McpServerFixture>
{
    [Fact]
    public void InitializeReportsTheServer()
    {
        Assert.Equal("qwen3-tts", server.Client.ServerInfo?.Name);
        Assert.NotNull(server.Client.ServerCapabilities.Tools);
    }

    [Fact]
    public async Task ToolsListDescribesTheToolsAndTheirParameters()
    {
        var tools = await server.Client.ListToolsAsync();

        Assert.Equal(["clone_voice", "list_voices", "text_to_speech"], tools.Select(t => t.Name).Order());
        var clone = tools.Single(t => t.Name == "clone_voice").ProtocolTool;
        Assert.Equal(["audio_base64", "audio_file", "name", "ref_text"], clone.InputSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["name", "ref_text"], clone.InputSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order());
        var speak = tools.Single(t => t.Name == "text_to_speech").ProtocolTool;
        Assert.False(string.IsNullOrWhiteSpace(speak.Description));
        var properties = speak.InputSchema.GetProperty("properties");
        Assert.Equal(["format", "language", "output_file", "seed", "speed", "text", "voice"], properties.EnumerateObject().Select(p => p.Name).Order());
        Assert.All(properties.EnumerateObject(), p => Assert.False(string.IsNullOrWhiteSpace(p.Value.GetProperty("description").GetString())));
        Assert.Equal(["text"], speak.InputSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("auto", properties.GetProperty("language").GetProperty("default").GetString());
        Assert.Equal("default", properties.GetProperty("voice").GetProperty("default").GetString());
    }

    [Fact]
    public async Task TextToSpeechWritesAWavInsideTheOutputDirectoryThatMatchesTheEmbeddedSynthesizer()
    {
        var result = await server.CallAsync("text_to_speech", new()
        {
            ["text"] = "Hello from the MCP server.",
            ["language"] = "english",
            ["voice"] = McpServerFixture.VoiceName,
            ["output_file"] = "chapter1/greeting.wav",
            ["seed"] = 11,
        });

        var file = Path.Combine(server.OutputDirectory, "chapter1", "greeting.wav");
        Assert.True(result.IsError is null or false, TextOf(result) + "\n" + server.Stderr);
        Assert.Contains(file, TextOf(result));
        Assert.Matches(@"\d+ frames", TextOf(result));
        var expected = await server.ExpectedWavAsync("Hello from the MCP server.", "english", McpServerFixture.VoiceName, 11);
        var written = await File.ReadAllBytesAsync(file);
        Assert.True(written.Length > 44 + 2 * 1920, $"only {written.Length} bytes");
        Assert.Equal(expected, written);
        Assert.Equal(24000, WavReader.Parse(written, file).SampleRate);
    }

    [Fact]
    public async Task WithoutAnOutputFileTheAudioComesBackInlineAndNothingIsWritten()
    {
        var before = Directory.GetFileSystemEntries(server.OutputDirectory, "*", SearchOption.AllDirectories);

        var result = await server.CallAsync("text_to_speech", new() { ["text"] = "Inline speech.", ["seed"] = 5 });

        Assert.True(result.IsError is null or false, TextOf(result) + "\n" + server.Stderr);
        var audio = Assert.Single(result.Content.OfType<AudioContentBlock>());
        Assert.Equal("audio/wav", audio.MimeType);
        var expected = await server.ExpectedWavAsync("Inline speech.", "auto", "default", 5);
        var decoded = WavReader.Parse(audio.DecodedData.Span, "inline audio");
        Assert.Equal(WavReader.Parse(expected, "expected").Samples, decoded.Samples);
        Assert.Equal(expected, audio.DecodedData.ToArray());
        Assert.Contains("frames", TextOf(result));
        Assert.Equal(before, Directory.GetFileSystemEntries(server.OutputDirectory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task OutputFilesOutsideTheDirectoryAreToolErrorsAndWriteNothing()
    {
        var outside = Directory.CreateTempSubdirectory("qwen3-mcp-outside-").FullName;
        try
        {
            var link = Path.Combine(server.OutputDirectory, "escape-link");
            Directory.CreateSymbolicLink(link, outside);
            string[] attempts = ["../escape.wav", Path.Combine(outside, "absolute.wav"), "escape-link/through-link.wav", "sub/../../escape2.wav"];

            foreach (var attempt in attempts)
            {
                var result = await server.CallAsync("text_to_speech", new() { ["text"] = "Nope.", ["output_file"] = attempt });

                Assert.True(result.IsError, $"{attempt}: {TextOf(result)}");
                Assert.Contains("outside the output directory", TextOf(result));
            }
            Assert.Empty(Directory.GetFileSystemEntries(outside));
            Assert.False(File.Exists(Path.Combine(server.Root, "escape.wav")));
            Assert.False(File.Exists(Path.Combine(server.Root, "escape2.wav")));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Theory]
    [InlineData("notes.txt", "must end in an audio extension: .wav, .pcm, .flac, .opus, .mp3, .aac")]
    [InlineData("speech", "must end in an audio extension")]
    public async Task OutputFilesThatAreNotAudioAreToolErrors(string outputFile, string message)
    {
        var result = await server.CallAsync("text_to_speech", new() { ["text"] = "Nope.", ["output_file"] = outputFile });

        Assert.True(result.IsError);
        Assert.Contains(message, TextOf(result));
        Assert.False(File.Exists(Path.Combine(server.OutputDirectory, outputFile)));
    }

    [Theory]
    [InlineData("nobody", "argument 'voice': unknown voice 'nobody'; available: default, narrator")]
    [InlineData("../voices/narrator", "is not a voice name")]
    [InlineData("/etc/passwd", "is not a voice name")]
    public async Task AVoiceThatIsNotInTheLibraryIsAToolErrorNamingTheAvailableOnes(string voice, string message)
    {
        var result = await server.CallAsync("text_to_speech", new() { ["text"] = "Hi.", ["voice"] = voice });

        Assert.True(result.IsError);
        Assert.Contains(message, TextOf(result));
    }

    [Theory]
    [InlineData("", "auto", "argument 'text' is empty")]
    [InlineData("Hi.", "klingon", "argument 'language': unknown language 'klingon'; supported: auto, chinese")]
    public async Task BadTextOrLanguageIsAToolErrorAndTheServerKeepsServing(string text, string language, string message)
    {
        var result = await server.CallAsync("text_to_speech", new() { ["text"] = text, ["language"] = language, ["output_file"] = "bad-input.wav" });

        Assert.True(result.IsError);
        Assert.Contains(message, TextOf(result));
        Assert.False(File.Exists(Path.Combine(server.OutputDirectory, "bad-input.wav")));
        var next = await server.CallAsync("list_voices", []);
        Assert.True(next.IsError is null or false);
    }

    [Theory]
    [InlineData("speed", 9.0, "argument 'speed' is 9; use a value from 0.25 to 4")]
    [InlineData("format", "mp4", "argument 'format' is 'mp4'; use one of: wav, pcm, flac, opus, mp3, aac")]
    public async Task BadSpeedOrFormatNamesTheArgument(string argument, object value, string message)
    {
        var result = await server.CallAsync("text_to_speech", new() { ["text"] = "Hi.", [argument] = value });

        Assert.True(result.IsError);
        Assert.Contains(message, TextOf(result));
    }

    [Fact]
    public async Task TextOverTheLimitAndAFormatThatContradictsTheFileNameAreRefused()
    {
        var tooLong = await server.CallAsync("text_to_speech", new() { ["text"] = new string('a', Qwen3Tts.Cli.Mcp.TtsTools.MaxTextCharacters + 1) });
        var mismatch = await server.CallAsync("text_to_speech", new() { ["text"] = "Hi.", ["output_file"] = "x.wav", ["format"] = "opus" });

        Assert.Contains($"the limit is {Qwen3Tts.Cli.Mcp.TtsTools.MaxTextCharacters} per call", TextOf(tooLong));
        Assert.Contains("argument 'format' is opus but output_file 'x.wav' names a wav file", TextOf(mismatch));
    }

    [Fact]
    public async Task TheFileNameSetsTheFormatAndSpeedShortensTheAudio()
    {
        var normal = await server.CallAsync("text_to_speech", new() { ["text"] = "Faster, please.", ["seed"] = 4, ["output_file"] = "normal.wav" });
        var fast = await server.CallAsync("text_to_speech", new() { ["text"] = "Faster, please.", ["seed"] = 4, ["output_file"] = "fast.wav", ["speed"] = 2.0 });
        var opus = await server.CallAsync("text_to_speech", new() { ["text"] = "Faster, please.", ["seed"] = 4, ["output_file"] = "small.opus" });
        var inline = await server.CallAsync("text_to_speech", new() { ["text"] = "Faster, please.", ["seed"] = 4, ["format"] = "opus" });

        Assert.True(normal.IsError is null or false, TextOf(normal));
        Assert.True(fast.IsError is null or false, TextOf(fast));
        var samples = WavReader.Read(Path.Combine(server.OutputDirectory, "normal.wav")).Samples.Length;
        Assert.Equal((int)Math.Round(samples / 2.0), WavReader.Read(Path.Combine(server.OutputDirectory, "fast.wav")).Samples.Length);
        Assert.Contains("mono opus", TextOf(opus));
        Assert.Equal("OggS", System.Text.Encoding.ASCII.GetString(await File.ReadAllBytesAsync(Path.Combine(server.OutputDirectory, "small.opus")), 0, 4));
        var audio = Assert.IsType<AudioContentBlock>(inline.Content[0]);
        Assert.Equal("audio/ogg", audio.MimeType);
    }

    [Fact]
    public async Task ListVoicesNamesDefaultTheLibraryAndTheLanguages()
    {
        var result = await server.CallAsync("list_voices", []);

        Assert.True(result.IsError is null or false, TextOf(result));
        var catalog = JsonDocument.Parse(TextOf(result)).RootElement;
        Assert.Equal(["default", McpServerFixture.VoiceName], catalog.GetProperty("voices").EnumerateArray().Select(v => v.GetString()));
        var languages = catalog.GetProperty("languages").EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Equal("auto", languages[0]);
        Assert.Contains("english", languages);
        Assert.Equal(server.OutputDirectory, catalog.GetProperty("output_directory").GetString());
        Assert.NotNull(result.StructuredContent);
    }

    private static string TextOf(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
