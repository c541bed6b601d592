using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Tests.Audio.Encoders;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cli;

/// <summary>`speak` writes the format -o's extension or --format names, never WAV bytes under another name.</summary>
[Collection(CliCollection.Name)]
public sealed class SpeakFormatCliTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("qwen3tts-cli-format-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private Task<CliRun> SpeakAsync(string output, params string[] extra) =>
        CliHarness.RunAsync(["speak", "Formats from the command line.", "-o", Path.Combine(_work, output), "--models", fixture.Directory, "--seed", "5", .. extra]);

    [Fact]
    public async Task OpusAndFlacExtensionsWriteThoseFormatsWithTheWavsSamples()
    {
        Assert.Equal(0, (await SpeakAsync("a.wav")).ExitCode);
        var opus = await SpeakAsync("a.opus");
        var flac = await SpeakAsync("a.flac");

        Assert.True(opus.ExitCode == 0, opus.Error);
        Assert.True(flac.ExitCode == 0, flac.Error);
        var (samples, _) = WavReader.Read(Path.Combine(_work, "a.wav"));
        var pages = OggTestReader.Read(await File.ReadAllBytesAsync(Path.Combine(_work, "a.opus")));
        var preSkip = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(pages[0].Packets[0].AsSpan(10));
        Assert.Equal(preSkip + 2L * samples.Length, pages[^1].Granule);
        var decoded = Audio.FlacTestDecoder.Decode(await File.ReadAllBytesAsync(Path.Combine(_work, "a.flac")));
        Assert.Equal([.. samples.Select(s => (short)Math.Round(s * 32768f))], decoded.Samples);
    }

    [FfmpegFact]
    public async Task AnMp3NameGetsMp3()
    {
        var run = await SpeakAsync("a.mp3");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("mp3", FfmpegTool.Probe(await File.ReadAllBytesAsync(Path.Combine(_work, "a.mp3"))).Codec);
    }

    [Theory]
    [InlineData("a.mp3", new[] { "--format", "wav" }, "names a mp3 file but --format is wav")]
    [InlineData("a.txt", new string[0], "'.txt' is not an audio extension")]
    [InlineData("a.wav", new[] { "--format", "mp4" }, "--format 'mp4' is not a format; use one of: wav, pcm, flac, opus, mp3, aac")]
    public async Task AMismatchOrAnUnknownFormatIsAUsageErrorAndWritesNothing(string output, string[] extra, string message)
    {
        var run = await SpeakAsync(output, extra);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.DoesNotContain("Qwen3Tts.", run.Error);
        Assert.Empty(Directory.GetFiles(_work));
    }

    [Fact]
    public async Task FormatOnANameWithoutExtensionAndLegacyNamesWork()
    {
        Assert.Equal(0, (await SpeakAsync("raw", "--format", "pcm")).ExitCode);
        Assert.Equal(0, (await SpeakAsync("legacy.pcm", "--format", "RawPcm16")).ExitCode);
        Assert.Equal(0, (await SpeakAsync("a.wav")).ExitCode);

        var wav = await File.ReadAllBytesAsync(Path.Combine(_work, "a.wav"));
        Assert.Equal(wav[44..], await File.ReadAllBytesAsync(Path.Combine(_work, "raw")));
        Assert.Equal(wav[44..], await File.ReadAllBytesAsync(Path.Combine(_work, "legacy.pcm")));
    }
}
