using System.Text;
using Qwen3Tts.Inference.Voices;
using Qwen3Tts.Silo;
using Qwen3Tts.Tests.Formats;
using Qwen3Tts.Tests.Voices;

namespace Qwen3Tts.Tests.Reliability;

/// <summary>
/// The JSON files people edit by hand (cluster.json, voice .json): a byte-order mark from a Windows editor is read as
/// UTF-8; invalid UTF-8, a syntax error, a FIFO, <c>/dev/zero</c> and a huge file are each a clear error naming the
/// file, at once (never a hang or a read without end).
/// </summary>
public sealed class ConfigFileTests : IDisposable
{
    private const string Cluster = """
        {
          // Comments and trailing commas are fine, as in any .NET configuration file.
          "cluster": { "clusterId": "bom-test", "clustering": "localhost" },
          "silos": [ { "name": "board", "roles": [ "talker" ], "siloPort": 11111, "gatewayPort": 30000 }, ],
        }
        """;

    private readonly TempDirectory _dir = new();

    private ClusterSettings Load(string path) => SiloHosting.LoadSettings(["--config", path]);

    private string Write(string name, byte[] bytes)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void AClusterJsonWithAByteOrderMarkReadsLikeOneWithout()
    {
        var plain = Load(Write("plain.json", Encoding.UTF8.GetBytes(Cluster)));
        var marked = Load(Write("bom.json", [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(Cluster)]));

        Assert.Equal("bom-test", marked.Cluster.ClusterId);
        Assert.Equal(plain.ResolveSilo().SiloPort, marked.ResolveSilo().SiloPort);
    }

    public static TheoryData<string, byte[], string> BadClusterFiles => new()
    {
        { "latin1.json", [.. Encoding.UTF8.GetBytes("{ \"cluster\": { \"clusterId\": \"caf"), 0xE9, .. Encoding.UTF8.GetBytes("\" } }")], "is not UTF-8 text" },
        { "syntax.json", Encoding.UTF8.GetBytes("{\n  \"cluster\": { \"clusterId\": \"a\" }\n  \"silos\": []\n}"), "is not valid JSON" },
        { "array.json", Encoding.UTF8.GetBytes("[ { \"cluster\": {} } ]"), "must be a JSON object" },
        { "huge.json", Encoding.UTF8.GetBytes("{ \"x\": \"" + new string('a', 2 * 1024 * 1024) + "\" }"), "too large" },
        { "empty.json", [], "is empty" },
    };

    [Theory]
    [MemberData(nameof(BadClusterFiles))]
    public void ABadClusterJsonIsAClearErrorNamingTheFile(string name, byte[] content, string expected)
    {
        var path = Write(name, content);

        var error = Assert.ThrowsAny<ArgumentException>(() => Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ASyntaxErrorSaysOnWhichLine()
    {
        var path = Write("line.json", Encoding.UTF8.GetBytes("{\n  \"cluster\": { \"clusterId\": \"a\" }\n  \"silos\": []\n}"));

        Assert.Contains("(line 3,", Assert.ThrowsAny<ArgumentException>(() => Load(path)).Message);
    }

    [Fact]
    public async Task AFifoOrALinkToDevZeroAsClusterJsonIsRefusedAtOnce()
    {
        var fifo = _dir.File("fifo.json");
        VoiceLibraryTests.MakeFifo(fifo);
        var zero = _dir.File("zero.json");
        File.CreateSymbolicLink(zero, "/dev/zero");

        var fromFifo = await Task.Run(() => Assert.ThrowsAny<ArgumentException>(() => Load(fifo))).WaitAsync(TimeSpan.FromSeconds(20));
        var fromZero = await Task.Run(() => Assert.ThrowsAny<ArgumentException>(() => Load(zero))).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Contains("pipe or socket", fromFifo.Message);
        Assert.Contains("not a regular cluster configuration", fromZero.Message);
    }

    [Fact]
    public void AVoiceJsonWithAByteOrderMarkLoadsLikeOneWithout()
    {
        var json = Encoding.UTF8.GetBytes("""{"ref_text": "Hi", "codec_tokens": [[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]]}""");

        var plain = VoiceFile.Load(Write("plain-voice.json", json));
        var marked = VoiceFile.Load(Write("bom-voice.json", [.. Encoding.UTF8.Preamble, .. json]));

        Assert.Equal(plain.Codes, marked.Codes);
        Assert.Equal("Hi", marked.ReferenceText);
    }

    [Fact]
    public void AVoiceJsonInAnotherEncodingOrTooLargeIsAClearError()
    {
        var utf16 = Write("utf16.json", Encoding.Unicode.GetBytes("""{"codec_tokens": [[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]]}"""));
        var huge = Write("huge-voice.json", new byte[VoiceFile.MaxBytes + 1]);

        Assert.Contains("not valid JSON", Assert.Throws<VoiceFileException>(() => VoiceFile.Load(utf16)).Message);
        Assert.Contains("too large", Assert.Throws<VoiceFileException>(() => VoiceFile.Load(huge)).Message);
    }

    public void Dispose() => _dir.Dispose();
}
