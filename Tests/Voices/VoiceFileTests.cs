using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Voices;

namespace Qwen3Tts.Tests.Voices;

public sealed class VoiceFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-voice-").FullName;

    [Fact]
    public void JsonProfileKeepsFramesInOrderWithItsText()
    {
        var path = Write("v.json", """{"ref_text": "Hi there", "codec_tokens": [[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15],[2047,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]]}""");

        var voice = VoiceFile.Load(path);

        Assert.Equal(2, voice.FrameCount);
        Assert.Equal("Hi there", voice.ReferenceText);
        Assert.Equal(15, voice.Codes[15]);
        Assert.Equal(2047, voice.Codes[16]);
        Assert.Null(voice.SpeakerEmbedding);
    }

    [Fact]
    public void NpyCodesAreAcceptedFrameMajorAndTransposed()
    {
        var frameMajor = Enumerable.Range(0, 3 * 16).Select(i => (long)i).ToArray();
        NpyWriter.Write(Path.Combine(_dir, "a.npy"), frameMajor, [3, 16]);
        var transposed = new long[16 * 20];
        for (var k = 0; k < 16; k++)
        {
            for (var f = 0; f < 20; f++)
            {
                transposed[k * 20 + f] = f * 16 + k;
            }
        }
        NpyWriter.Write(Path.Combine(_dir, "b.npy"), transposed, [16, 20]);

        Assert.Equal(frameMajor, VoiceFile.Load(Path.Combine(_dir, "a.npy")).Codes);
        var b = VoiceFile.Load(Path.Combine(_dir, "b.npy"));
        Assert.Equal(20, b.FrameCount);
        Assert.Equal(Enumerable.Range(0, 320).Select(i => (long)i), b.Codes);
    }

    [Theory]
    [InlineData("{}", "codec_tokens")]
    [InlineData("""{"codec_tokens": [[1,2,3]]}""", "codec_tokens[0] must be an array of 16")]
    [InlineData("""{"codec_tokens": [[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,4096]]}""", "frame 0, codebook 15: 4096")]
    [InlineData("""{"codec_tokens": []}""", "non-empty")]
    [InlineData("not json", "not valid JSON")]
    public void BadJsonProfilesSayWhatIsWrong(string json, string expected)
    {
        var path = Write("bad.json", json);

        var e = Assert.Throws<VoiceFileException>(() => VoiceFile.Load(path));

        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void NonTorchPtFilesAndUnknownTypesAreRefusedAndMissingFilesNamed()
    {
        Assert.Contains("not a PyTorch file", Assert.Throws<VoiceFileException>(() => VoiceFile.Load(Write("v.pt", "x"))).Message);
        Assert.Contains("unknown voice file type", Assert.Throws<VoiceFileException>(() => VoiceFile.Load(Write("v.txt", "x"))).Message);
        var missing = Path.Combine(_dir, "none.json");
        Assert.Contains(missing, Assert.Throws<VoiceFileException>(() => VoiceFile.Load(missing)).Message);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
