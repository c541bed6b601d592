using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Tests.Cli;

namespace Qwen3Tts.Tests.Checkpoints;

/// <summary>`qwen3-tts` on official snapshots: variants, --codes-out / --teacher-codes, models list/verify, and every bad input as one line with its exit code.</summary>
[Collection(CliCollection.Name)]
public sealed class OfficialCliTests : IClassFixture<OfficialCliTests.Sets>, IDisposable
{
    private readonly Sets _sets;
    private readonly string _work = Directory.CreateTempSubdirectory("qwen3tts-official-cli-").FullName;

    public OfficialCliTests(Sets sets) => _sets = sets;

    /// <summary>Its own copy of the tiny sets: the CLI collection runs alone, the official collection in parallel with it.</summary>
    public sealed class Sets : IAsyncLifetime
    {
        public OfficialTinySets Inner { get; } = new();

        public Task InitializeAsync() => Inner.InitializeAsync();

        public Task DisposeAsync() => Inner.DisposeAsync();
    }

    private OfficialTinySets S => _sets.Inner;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Wav => Path.Combine(_work, "out.wav");

    private Task<CliRun> SpeakAsync(string models, params string[] extra) =>
        CliHarness.RunAsync(["speak", "Hello from the official layout.", "-o", Wav, "--models", models, .. extra.Contains("--seed") ? extra : [.. extra, "--seed", "3"]]);

    [Fact]
    public async Task ACustomVoiceSpeakerSpeaksAndItsCodesAreWritten()
    {
        var codes = Path.Combine(_work, "codes.json");
        var run = await SpeakAsync(S.CustomVoice, "--voice", "ryan", "--lang", "english", "--codes-out", codes, "--max-frames", "12");

        Assert.True(run.ExitCode == 0, run.Error);
        var frames = CodesFile.Read(codes).Length / 16;
        Assert.InRange(frames, 1, 12);
        Assert.Equal(44 + frames * 1920 * 2, new FileInfo(Wav).Length);
    }

    [Fact]
    public async Task TeacherCodesSetTheFrameCountAndTheAudio()
    {
        var teacher = Path.Combine(_work, "teacher.json");
        CodesFile.Write(teacher, Enumerable.Range(0, 7 * 16).Select(i => (long)(i * 131 % 2048)).ToArray());
        var choices = Path.Combine(_work, "choices.json");

        var first = await SpeakAsync(S.Base, "--teacher-codes", teacher, "--codes-out", choices, "--sampling", "greedy", "--quant", "f32");
        var audio = await File.ReadAllBytesAsync(Wav);
        var second = await SpeakAsync(S.Base, "--teacher-codes", teacher, "--seed", "77");

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(7 * 16, CodesFile.Read(choices).Length);
        Assert.Equal(audio, await File.ReadAllBytesAsync(Wav));
    }

    [Fact]
    public async Task VoiceDesignSpeaksFromInstructionsOnly()
    {
        var run = await SpeakAsync(S.VoiceDesign, "--instructions", "a bright young voice", "--max-frames", "8");
        Assert.True(run.ExitCode == 0, run.Error);
        var refused = await SpeakAsync(S.VoiceDesign);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("designs the voice from instructions", refused.Error);
    }

    [Theory]
    [InlineData("base", new[] { "--instructions", "whisper" }, 2, "instructions are not supported by the loaded model (1.7B Base")]
    [InlineData("custom-voice", new[] { "--voice", "bob" }, 2, "unknown voice 'bob'; the loaded model (1.7B CustomVoice (official snapshot)) has: aiden")]
    [InlineData("custom-voice-0b6", new[] { "--voice", "ryan", "--instructions", "whisper" }, 2, "0.6B CustomVoice")]
    [InlineData("base", new[] { "--quant", "q3" }, 2, "unknown --quant 'q3'")]
    [InlineData("base", new[] { "--eos", "sometimes" }, 2, "unknown --eos 'sometimes'")]
    public async Task WhatTheModelCannotHonourIsOneLineWithExitCode2(string set, string[] extra, int code, string message)
    {
        var run = await SpeakAsync(Set(set), extra);
        Assert.Equal(code, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.False(File.Exists(Wav));
    }

    [Fact]
    public async Task ASnapshotWithoutSpeechTokenizerIsExit3NamingTheTokenizerRepo()
    {
        var copy = S.Copy(S.Base, "no-codec");
        Directory.Delete(Path.Combine(copy, "speech_tokenizer"), recursive: true);

        var run = await SpeakAsync(copy);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("speech_tokenizer/model.safetensors", run.Error);
        Assert.Contains("models pull --repo Qwen/Qwen3-TTS-Tokenizer-12Hz", run.Error);
        AssertNoRuntimeGguf(copy);
    }

    [Fact]
    public async Task ConfigIdsThatDisagreeWithTheTensorsAreExit3AndNothingIsConverted()
    {
        var copy = S.Copy(S.CustomVoice, "bad-ids");
        var path = Path.Combine(copy, "config.json");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        json["talker_config"]!["codec_eos_token_id"] = 9999;
        await File.WriteAllTextAsync(path, json.ToJsonString());

        var run = await SpeakAsync(copy, "--voice", "ryan");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("talker_config.codec_eos_token_id: = 9999 lies outside the 3072 rows of talker.model.codec_embedding.weight", run.Error);
        AssertNoRuntimeGguf(copy);
    }

    [Fact]
    public async Task ATruncatedSafetensorsIsExit3AndNothingIsConverted()
    {
        var copy = S.Copy(S.Base, "truncated");
        await using (var stream = new FileStream(Path.Combine(copy, "model.safetensors"), FileMode.Open))
        {
            stream.SetLength(stream.Length - 1000);
        }

        var run = await SpeakAsync(copy);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("truncated", run.Error);
        AssertNoRuntimeGguf(copy);
    }

    [Fact]
    public async Task ModelsListAndVerifySayLayoutAndVariant()
    {
        var list = await CliHarness.RunAsync(["models", "list", "--models", S.CustomVoice]);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("Layout: official snapshot, 1.7B CustomVoice (speakers: aiden, dylan", list.Output);
        Assert.Contains("takes instructions", list.Output);

        var verify = await CliHarness.RunAsync(["models", "verify", "--models", S.Base, "--quant", "q4_0"]);
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        Assert.Contains("Layout: official snapshot, 1.7B Base", verify.Output);
        Assert.Contains("runtime GGUF q4_0", verify.Output);
        Assert.Contains("input projection 64 -> 32", verify.Output);

        var available = await CliHarness.RunAsync(["models", "list", "--available"]);
        Assert.Contains("Qwen/Qwen3-TTS-12Hz-1.7B-VoiceDesign", available.Output);
        Assert.Contains("Qwen/Qwen3-TTS-Tokenizer-12Hz", available.Output);
    }

    [Fact]
    public async Task BenchPredictorTimesAnOfficialSnapshotAndRefusesTheLlamaBaselineInOneLine()
    {
        var run = await CliHarness.RunAsync(["bench", "predictor", "--models", S.Base, "--frames", "1", "--quant", "q4_0,q8_0", "--threads", "1", "--batch", "1"]);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("(official snapshot, converted at q4_0)", run.Output);
        Assert.Matches(new Regex(@"^  managed +q4_0 ", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^  managed +q8_0 ", RegexOptions.Multiline), run.Output);

        var llama = await CliHarness.RunAsync(["bench", "predictor", "--models", S.Base, "--frames", "1", "--threads", "1", "--batch", "1", "--llama"]);
        Assert.Equal(2, llama.ExitCode);
        Assert.StartsWith("error: --llama times the seed layout's predictor GGUF", llama.Error);
        Assert.DoesNotContain("   at ", llama.Error);
    }

    private string Set(string name) => name switch
    {
        "base" => S.Base,
        "custom-voice" => S.CustomVoice,
        "voice-design" => S.VoiceDesign,
        _ => S.CustomVoice06B,
    };

    private static void AssertNoRuntimeGguf(string set)
    {
        var runtime = Path.Combine(set, ".runtime");
        Assert.False(Directory.Exists(runtime) && Directory.EnumerateFiles(runtime).Any(), "a runtime GGUF (or a temporary) was left behind");
    }
}
