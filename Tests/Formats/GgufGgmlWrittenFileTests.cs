using Qwen3Tts.Inference.Formats.Gguf;

namespace Qwen3Tts.Tests.Formats;

/// <summary>
/// A small GGUF written by ggml itself (gguf_write_to_file from the libggml-base that LLamaSharp 0.30.0
/// ships, with tensors filled by ggml's quantize_row_q8_0_ref / quantize_row_q4_0_ref). It checks that we read
/// ggml's layout and that our quantizers produce the very same bytes as ggml's reference ones.
/// </summary>
public sealed class GgufGgmlWrittenFileTests : IDisposable
{
    private static readonly string[] Base64Lines =
    [
        "R0dVRgMAAAAEAAAAAAAAAAcAAAAAAAAAFAAAAAAAAABnZW5lcmFsLmFyY2hpdGVjdHVyZQgAAAAFAAAAAAAAAHF3ZW4zEQAA",
        "AAAAAABxd2VuMy5ibG9ja19jb3VudAQAAAAcAAAAFAAAAAAAAABxd2VuMy5jb250ZXh0X2xlbmd0aAUAAAAAgAAAFAAAAAAA",
        "AABxd2VuMy5yb3BlLmZyZXFfYmFzZQYAAAAAJHRJBAAAAAAAAABmbGFnBwAAAAEVAAAAAAAAAHRva2VuaXplci5nZ21sLnRv",
        "a2VucwkAAAAIAAAAAwAAAAAAAAAMAAAAAAAAADx8aW1fc3RhcnR8PgEAAAAAAAAAYQEAAAAAAAAAYhkAAAAAAAAAdG9rZW5p",
        "emVyLmdnbWwudG9rZW5fdHlwZQkAAAAFAAAAAwAAAAAAAAABAAAA/v///wMAAAAKAAAAAAAAAGYzMi53ZWlnaHQCAAAAAwAA",
        "AAAAAAACAAAAAAAAAAAAAAAAAAAAAAAAAAkAAAAAAAAAcTgud2VpZ2h0AgAAACAAAAAAAAAAAgAAAAAAAAAIAAAAIAAAAAAA",
        "AAAJAAAAAAAAAHE0LndlaWdodAEAAAAgAAAAAAAAAAIAAACAAAAAAAAAAAoAAAAAAAAAZjE2LndlaWdodAEAAAAEAAAAAAAA",
        "AAEAAACgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIA/AAAAQAAAQEAAAIBAAACgQAAAAAAAAAAA",
        "CDCBiZGZoamxucDI0Njg6PD4AAgQGCAoMDhAR09XX2dvdwgsgYmRmaGpsbnAyNDY4Ojw+AAIEBggKDA4QEdPV19nb3cAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAECAkZGiorOzxMTV1ebm9/f4AAAAAAAAAAAAAAAAAAAAPADAADj/ewAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAA==",
    ];

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static float[] Source() =>
        Enumerable.Range(0, 32).Select(i => (float)(i - 16)).Concat(Enumerable.Range(0, 32).Select(i => 0.5f * (i - 16))).ToArray();

    private GgufFile Open() => GgufFile.Open(dir.Write("ggml.gguf", Convert.FromBase64String(string.Concat(Base64Lines))));

    [Fact]
    public void MetadataWrittenByGgmlIsRead()
    {
        using var file = Open();
        var m = file.Metadata;
        Assert.Equal(3u, file.Version);
        Assert.Equal("qwen3", m.GetString("general.architecture"));
        Assert.Equal(28u, m.GetUInt32("qwen3.block_count"));
        Assert.Equal(32768, m.GetInt32("qwen3.context_length"));
        Assert.Equal(1_000_000f, m.GetFloat32("qwen3.rope.freq_base"));
        Assert.True(m.GetBool("flag"));
        Assert.Equal(["<|im_start|>", "a", "b"], m.GetStringArray("tokenizer.ggml.tokens"));
        Assert.Equal([1, -2, 3], m.GetInt32Array("tokenizer.ggml.token_type"));
        Assert.Equal(["f32.weight", "q8.weight", "q4.weight", "f16.weight"], file.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void TensorsWrittenByGgmlAreRead()
    {
        using var file = Open();
        file.ExpectShape("f32.weight", 3, 2);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], file.ReadFloat32("f32.weight"));
        Assert.Equal([1f, -2f, 0.5f, 65504f], file.ReadFloat32("f16.weight"));
        var q8 = file.ReadFloat32("q8.weight");
        var source = Source();
        for (var i = 0; i < q8.Length; i++)
        {
            Assert.Equal(source[i], q8[i], 16f / 127f);
        }
    }

    [Fact]
    public void OurQuantizersReproduceGgmlBytesExactly()
    {
        using var file = Open();
        var q8 = new byte[68];
        GgmlQuantization.Quantize(GgmlType.Q8_0, Source(), q8);
        Assert.Equal(file.GetTensorBytes(file.GetTensor("q8.weight")).ToArray(), q8);
        var q4 = new byte[18];
        GgmlQuantization.Quantize(GgmlType.Q4_0, Source().AsSpan(0, 32), q4);
        Assert.Equal(file.GetTensorBytes(file.GetTensor("q4.weight")).ToArray(), q4);
    }

    [Fact]
    public void ReadingATensorsBytesGivesWhatTheMapHoldsAndNeedsItsExactSize()
    {
        using var file = Open();
        foreach (var tensor in file.Tensors)
        {
            var read = new byte[tensor.ByteSize];
            file.ReadTensorBytes(tensor, read);
            Assert.Equal(file.GetTensorBytes(tensor).ToArray(), read);
        }
        var q8 = file.GetTensor("q8.weight");
        var error = Assert.Throws<ArgumentException>(() => file.ReadTensorBytes(q8, new byte[q8.ByteSize + 1]));
        Assert.Contains("q8.weight", error.Message);
    }
}
