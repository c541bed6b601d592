using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Codec.Decoder;
using Qwen3Tts.Tests.Codec;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cli;

/// <summary>`qwen3-tts decode`: codes files to the decoder's samples, and every kind of bad input refused cleanly.</summary>
[Collection(CliCollection.Name)]
public sealed class DecodeCliTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private static readonly long[] Codes = TinyDecoderFixture.RandomCodes(30, seed: 21);
    private readonly string _work = Directory.CreateTempSubdirectory("qwen3tts-decode-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task CodesDecodeToTheDecodersFloatsOneShotOrInChunks()
    {
        var codes = Write("codes.json", "{\"codes\": " + Rows(Codes) + "}");
        var whole = Path.Combine(_work, "whole.wav");
        var chunked = Path.Combine(_work, "chunked.wav");

        var run = await CliHarness.RunAsync(["decode", codes, "-o", whole, "--models", fixture.Directory, "--format", "WavFloat32"]);
        var runChunked = await CliHarness.RunAsync(["decode", codes, "-o", chunked, "--models", fixture.Directory, "--format", "WavFloat32", "--chunk", "7"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(0, runChunked.ExitCode);
        Assert.Contains("decoded 30 frames (2.40 s of audio)", run.Error);
        using var decoder = SpeechTokenizerDecoder.Load(fixture.Store().ResolveSpeechTokenizer().Safetensors);
        var (samples, rate) = WavReader.Read(whole);
        Assert.Equal(24000, rate);
        Assert.Equal(decoder.Decode(Codes), samples);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(chunked));
    }

    [Fact]
    public async Task ABareArrayAndAVoiceProfilesCodecTokensAreAcceptedToo()
    {
        var bare = Write("bare.json", Rows(Codes));
        var voice = Write("voice.json", "{\"ref_text\": \"hi\", \"codec_tokens\": " + Rows(Codes) + "}");
        var a = Path.Combine(_work, "a.wav");
        var b = Path.Combine(_work, "b.wav");

        Assert.Equal(0, (await CliHarness.RunAsync(["decode", bare, "-o", a, "--models", fixture.Directory])).ExitCode);
        Assert.Equal(0, (await CliHarness.RunAsync(["decode", voice, "-o", b, "--models", fixture.Directory])).ExitCode);

        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.Equal(30 * 1920, WavReader.Read(a).Samples.Length);
    }

    [Theory]
    [InlineData("{\"codes\": [[1, 2", "not valid JSON")]
    [InlineData("[[1, 2, 3]]", "frame 0 has 3 codes, expected 16")]
    [InlineData("[[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],[0,0,0,0,0,2048,0,0,0,0,0,0,0,0,0,0]]", "frame 1, codebook 5: code 2048 is outside 0..2047")]
    [InlineData("[[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,-1]]", "frame 0, codebook 15: code -1 is outside 0..2047")]
    [InlineData("{\"codes\": []}", "there are no frames to decode")]
    [InlineData("[[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1.5]]", "frame 0, codebook 15: 1.5 is not an integer code")]
    [InlineData("{\"frames\": 3}", "expected {\"codes\": [[16 ints], ...]}")]
    public async Task BadCodesAreOneLineExitTwoAndNoOutput(string json, string message)
    {
        var codes = Write("bad.json", json);
        var wav = Path.Combine(_work, "out", "bad.wav");

        var run = await CliHarness.RunAsync(["decode", codes, "-o", wav, "--models", fixture.Directory]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {codes}: ", run.Error);
        Assert.Contains(message, run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(_work, "out")));
    }

    [Fact]
    public async Task AMissingCodesFileOrBadChunkIsAUsageError()
    {
        var missing = await CliHarness.RunAsync(["decode", Path.Combine(_work, "nope.json"), "-o", Path.Combine(_work, "x.wav"), "--models", fixture.Directory]);
        var chunk = await CliHarness.RunAsync(["decode", Write("c.json", Rows(Codes)), "-o", Path.Combine(_work, "x.wav"), "--models", fixture.Directory, "--chunk", "0"]);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("codes file not found", missing.Error);
        Assert.Equal(2, chunk.ExitCode);
        Assert.Contains("--chunk must be at least 1", chunk.Error);
        Assert.False(File.Exists(Path.Combine(_work, "x.wav")));
    }

    [Fact]
    public async Task MissingDecoderWeightsNameTheFileAndTheFix()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_work, "models")).FullName;

        var run = await CliHarness.RunAsync(["decode", Write("c.json", Rows(Codes)), "-o", Path.Combine(_work, "x.wav"), "--models", empty]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("speech_tokenizer/model.safetensors", run.Error.Replace('\\', '/'));
        Assert.Contains("qwen3-tts models pull", run.Error);
        Assert.False(File.Exists(Path.Combine(_work, "x.wav")));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Rows(long[] codes) =>
        "[" + string.Join(",", codes.Chunk(16).Select(frame => "[" + string.Join(",", frame) + "]")) + "]";
}
