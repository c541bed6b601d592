using System.IO.Compression;
using Qwen3Tts.Inference.Voices;
using Qwen3Tts.Inference.Voices.Torch;

namespace Qwen3Tts.Tests.Voices;

/// <summary>
/// `.pt` voices: files PyTorch itself wrote (Fixtures/, see its README) and hand-built pickles, hostile ones included.
/// Every refusal is a <see cref="VoiceFileException"/> naming the file and the problem.
/// </summary>
public sealed class TorchVoiceFileTests
{
    private static readonly long[] Codes = [.. Enumerable.Range(0, 3 * 16).Select(i => (long)(i * 37 % 2048))];
    private static readonly float[] XVector = [.. Enumerable.Range(0, 8).Select(i => (float)(-1 + 2.0 * i / 7))];

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Voices", "Fixtures", name);

    [Fact]
    public void TheOfficialSavedPromptGivesCodesTextAndXVector()
    {
        var stored = VoiceFile.Read(Fixture("official_icl.pt"));

        Assert.Equal("pt", stored.Format);
        Assert.Equal(Codes, stored.Voice.Codes);
        Assert.Equal("Hello there.", stored.Voice.ReferenceText);
        Assert.Equal(XVector, stored.Voice.SpeakerEmbedding!, (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [Fact]
    public void ABfloat16XVectorIsWidenedExactly()
    {
        var voice = VoiceFile.Load(Fixture("official_icl_bf16.pt"));

        // bf16 keeps the top 16 bits of each f32 (round to nearest even): within 2^-8 relative.
        Assert.Equal(XVector, voice.SpeakerEmbedding!, (a, b) => Math.Abs(a - b) <= Math.Abs(a) / 256 + 1e-7f);
        Assert.All(voice.SpeakerEmbedding!, v => Assert.Equal(0u, BitConverter.SingleToUInt32Bits(v) & 0xFFFF));
    }

    [Fact]
    public void AnXVectorOnlyPromptHasNoCodes()
    {
        var payload = TorchArchive.Load(File.ReadAllBytes(Fixture("official_xvector_only.pt")), VoiceFile.MaxBytes);

        var (codes, text, speaker, speakerOnly) = TorchVoice.Map(payload);

        Assert.True(speakerOnly);
        Assert.Empty(codes);
        Assert.Null(text);
        Assert.Equal(8, speaker!.Length);
    }

    [Theory]
    [InlineData("seed_bare.pt")]
    [InlineData("seed_transposed.pt")]
    [InlineData("seed_transposed_view.pt")]
    [InlineData("codec_tokens_dict.pt")]
    public void TheSeedsLayoutsGiveTheSameFrames(string file)
    {
        var voice = VoiceFile.Load(Fixture(file));

        Assert.Equal(Codes, voice.Codes);
        Assert.Equal(file == "codec_tokens_dict.pt" ? "Hello there." : null, voice.ReferenceText);
        Assert.Null(voice.SpeakerEmbedding);
    }

    [Theory]
    [InlineData("os_system.pt", "refuses the global 'posix.system'")]
    [InlineData("dataclass_item.pt", "refuses the global '__main__.VoiceClonePromptItem'")]
    public void PicklesThatWouldRunOrBuildAnythingAreRefused(string file, string expected)
    {
        var error = Assert.Throws<VoiceFileException>(() => VoiceFile.Load(Fixture(file)));

        Assert.Contains(Fixture(file), error.Message);
        Assert.Contains(expected, error.Message);
    }

    public static TheoryData<string, byte[], string> HostilePickles() => new()
    {
        { "os.system through REDUCE", PickleBytes.Protocol2().Global("os", "system").Str("id").Op(0x85).Op('R').Op('.').ToArray(), "refuses the global 'os.system'" },
        { "builtins.eval by STACK_GLOBAL", PickleBytes.Protocol2().Str("builtins").Str("eval").Op(0x93).ToArray(), "refuses the global 'builtins.eval'" },
        { "a storage class called", PickleBytes.Protocol2().Global("torch", "FloatStorage").Op(')').Op('R').Op('.').ToArray(), "is not a function a voice file may call" },
        { "a str called", PickleBytes.Protocol2().Str("x").Op(')').Op('R').Op('.').ToArray(), "REDUCE calls a str" },
        { "BUILD", PickleBytes.Protocol2().Op('}').Op('}').Op('b').Op('.').ToArray(), "BUILD" },
        { "NEWOBJ", PickleBytes.Protocol2().Global("collections", "OrderedDict").Op(')').Op(0x81).Op('.').ToArray(), "NEWOBJ" },
        { "a 4 GB str", PickleBytes.Protocol2().Op('X').UInt32(uint.MaxValue).Raw(1, 2, 3).ToArray(), "runs past the end" },
        { "a 2^63-byte str", PickleBytes.Protocol2().Op(0x8d).UInt64(1UL << 63).ToArray(), "runs past the end" },
        { "a huge int", PickleBytes.Protocol2().Op(0x8b).UInt32(1u << 30).ToArray(), "integer of 1073741824 bytes" },
        { "a huge memo index", PickleBytes.Protocol2().Op('N').Op('r').UInt32(uint.MaxValue).ToArray(), "memo index" },
        { "a memo read before a write", PickleBytes.Protocol2().Op('h').Op(7).Op('.').ToArray(), "memo entry 7 is read before it is written" },
        { "no STOP", PickleBytes.Protocol2().Op('N').ToArray(), "ends without a STOP" },
        { "an empty stack", PickleBytes.Protocol2().Op('t').ToArray(), "MARK that was never set" },
        { "two values at STOP", PickleBytes.Protocol2().Op('N').Op('N').Op('.').ToArray(), "2 values on the stack" },
        { "a list holding itself", PickleBytes.Protocol2().Op(']').Op('q').Op(0).Op('h').Op(0).Op('a').Op('.').ToArray(), "holds a list of 1" },
    };

    [Theory]
    [MemberData(nameof(HostilePickles))]
    public void HostilePicklesAreClearErrors(string what, byte[] pickle, string expected)
    {
        var error = Assert.Throws<VoiceFileException>(() => VoiceFile.Parse(TorchZip.Write(pickle), ".pt", "hostile.pt"));

        Assert.StartsWith("hostile.pt: ", error.Message);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {error.Message}");
    }

    public static TheoryData<string, long, long, long[], long[], string> HostileTensors() => new()
    {
        { "a size far beyond the file", 48, 0, [1L << 40, 16], [16, 1], "far larger than a voice" },
        { "a view past the storage", 48, 0, [4, 16], [16, 1], "reaches element 63 of storage '0', which has 48" },
        { "an offset past the storage", 48, 40, [1, 16], [16, 1], "reaches element 55" },
        { "a stride near 2^63", 48, 0, [2, 16], [long.MaxValue / 2, 1], "reaches element" },
        { "a negative size", 48, 0, [-3, 16], [16, 1], "negative" },
        { "a storage longer than its record", 4096, 0, [3, 16], [16, 1], "should hold 4096 LongStorage elements (32768 bytes) but its record has 384" },
    };

    [Theory]
    [MemberData(nameof(HostileTensors))]
    public void TensorsThatDoNotFitTheirStorageAreRefusedBeforeReading(string what, long numel, long offset, long[] size, long[] stride, string expected)
    {
        var pickle = PickleBytes.Protocol2().Tensor("LongStorage", "0", numel, offset, size, stride).Op('.').ToArray();
        var file = TorchZip.Write(pickle, new Dictionary<string, byte[]> { ["0"] = TorchZip.Int64s(Codes) });

        var error = Assert.Throws<VoiceFileException>(() => VoiceFile.Parse(file, ".pt", "t.pt"));

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {error.Message}");
    }

    [Fact]
    public void AHandBuiltTorch2ArchiveWithAByteOrderRecordReads()
    {
        var pickle = PickleBytes.Protocol2().Tensor("LongStorage", "0", 48, 0, [3, 16], [16, 1]).Op('.').ToArray();

        var voice = VoiceFile.Parse(TorchZip.Write(pickle, new Dictionary<string, byte[]> { ["0"] = TorchZip.Int64s(Codes) }, byteOrder: "little"), ".pt", "v.pt");

        Assert.Equal(Codes, voice.Voice.Codes);
    }

    [Fact]
    public void ArchivesThatAreNotTensorFilesSaySo()
    {
        var tensor = PickleBytes.Protocol2().Tensor("LongStorage", "0", 48, 0, [3, 16], [16, 1]).Op('.').ToArray();
        var storage = new Dictionary<string, byte[]> { ["0"] = TorchZip.Int64s(Codes) };

        Assert.Contains("big-endian", Refusal(TorchZip.Write(tensor, storage, byteOrder: "big")));
        Assert.Contains("data/0 is missing", Refusal(TorchZip.Write(tensor)));
        Assert.Contains("holds FloatStorage floats", Refusal(TorchZip.Write(
            PickleBytes.Protocol2().Tensor("FloatStorage", "0", 48, 0, [3, 16], [16, 1]).Op('.').ToArray(), storage)));
        Assert.Contains("shape [48]", Refusal(TorchZip.Write(PickleBytes.Protocol2().Tensor("LongStorage", "0", 48, 0, [48], [1]).Op('.').ToArray(), storage)));
        Assert.Contains("not a PyTorch file", Refusal("not a zip at all"u8.ToArray()));
        Assert.Contains("legacy format", Refusal([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]));
        Assert.Contains("without data.pkl", Refusal(ZipOf("x/other.txt")));
        Assert.Contains("TorchScript", Refusal(ZipOf("x/constants.pkl")));
        Assert.Contains("holds an int", Refusal(TorchZip.Write(PickleBytes.Protocol2().Int(5).Op('.').ToArray())));
        Assert.Contains("2 voice prompts", Refusal(TorchZip.Write(
            PickleBytes.Protocol2().Op('}').Str("items").Op(']').Op('(').Op('}').Op('}').Op('e').Op('s').Op('.').ToArray())));
    }

    [Fact]
    public void AnInflatedRecordLargerThanTheLimitIsRefusedWithoutInflatingIt()
    {
        var bomb = new byte[64 << 20];
        var file = TorchZip.Write(PickleBytes.Protocol2().Op('N').Op('.').ToArray(), new Dictionary<string, byte[]> { ["0"] = bomb }, level: CompressionLevel.SmallestSize);
        var pickle = PickleBytes.Protocol2().Tensor("ByteStorage", "0", bomb.Length, 0, [16], [1]).Op('.').ToArray();
        var withTensor = TorchZip.Write(pickle, new Dictionary<string, byte[]> { ["0"] = bomb }, level: CompressionLevel.SmallestSize);

        Assert.True(file.Length < 1 << 20);
        Assert.Contains("is 67108864 bytes; a voice file's records are at most", Refusal(withTensor));
    }

    [Fact]
    public void EveryTruncationOfARealFileIsAClearError()
    {
        var whole = File.ReadAllBytes(Fixture("official_icl.pt"));
        using var zip = new ZipArchive(new MemoryStream(whole));
        var pickle = new MemoryStream();
        zip.GetEntry("official_icl/data.pkl")!.Open().CopyTo(pickle);
        var pickleBytes = pickle.ToArray();
        var storages = new Dictionary<string, byte[]>
        {
            ["0"] = TorchZip.Int64s(Codes),
            ["1"] = [.. XVector.SelectMany(BitConverter.GetBytes)],
        };

        for (var length = 0; length < pickleBytes.Length; length++)
        {
            var error = Assert.Throws<VoiceFileException>(() => VoiceFile.Parse(TorchZip.Write(pickleBytes[..length], storages), ".pt", "cut.pt"));
            Assert.StartsWith("cut.pt: ", error.Message);
        }
        for (var length = 0; length < whole.Length; length += 7)
        {
            Assert.Throws<VoiceFileException>(() => VoiceFile.Parse(whole[..length], ".pt", "cut.pt"));
        }
        Assert.Equal(Codes, VoiceFile.Parse(TorchZip.Write(pickleBytes, storages), ".pt", "whole.pt").Voice.Codes);
    }

    private static string Refusal(byte[] file) => Assert.Throws<VoiceFileException>(() => VoiceFile.Parse(file, ".pt", "f.pt")).Message;

    private static byte[] ZipOf(string entry)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var stream = zip.CreateEntry(entry).Open();
            stream.Write("x"u8);
        }
        return buffer.ToArray();
    }
}
