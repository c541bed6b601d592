using System.IO.Compression;
using System.Text;
using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Voices;
using Qwen3Tts.Tests.Formats;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Reliability.Fuzz;

/// <summary>
/// Every file parser on mutated inputs (<see cref="Mutations"/>): each must parse, or refuse with its own clear error
/// (<see cref="ModelFormatException"/> for model files, <see cref="VoiceFileException"/> for voices,
/// <see cref="InvalidDataException"/> for WAV), within <see cref="FuzzRun.HangLimit"/>; never another exception type.
/// The model parsers read every tensor they accept, so a length taken on trust is caught too.
/// </summary>
public sealed class ParserFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int QuickIterations = 300;

    private readonly TempDirectory _dir = new();

    private static bool ModelError(Exception e) => e is ModelFormatException;

    private static bool VoiceError(Exception e) => e is VoiceFileException;

    private async Task FuzzFileAsync(string parser, string extension, byte[] valid, Action<string> parse, Func<Exception, bool> isClearError, bool text = false, int seed = 1)
    {
        var run = new FuzzRun(parser, output);
        var random = new Random(seed);
        var path = _dir.File("fuzz" + extension);
        await File.WriteAllBytesAsync(path, valid);
        await run.TryAsync("the valid input", () => { parse(path); return Task.CompletedTask; }, _ => false);
        for (var i = 0; i < FuzzRun.Iterations(QuickIterations); i++)
        {
            var (what, bytes) = Mutations.Next(valid, random, text);
            // A fresh file each time: a parser may still hold the previous one open.
            var file = _dir.File($"fuzz-{i}{extension}");
            await File.WriteAllBytesAsync(file, bytes);
            await run.TryAsync($"#{i} ({what})", () => { parse(file); return Task.CompletedTask; }, isClearError);
            File.Delete(file);
        }
        run.AssertClean();
    }

    private async Task FuzzBytesAsync(string parser, byte[] valid, Action<byte[]> parse, Func<Exception, bool> isClearError, bool text = false, int seed = 1)
    {
        var run = new FuzzRun(parser, output);
        var random = new Random(seed);
        await run.TryAsync("the valid input", () => { parse(valid); return Task.CompletedTask; }, _ => false);
        for (var i = 0; i < FuzzRun.Iterations(QuickIterations); i++)
        {
            var (what, bytes) = Mutations.Next(valid, random, text);
            await run.TryAsync($"#{i} ({what})", () => { parse(bytes); return Task.CompletedTask; }, isClearError);
        }
        run.AssertClean();
    }

    private byte[] Written(string name, Action<string> write)
    {
        var path = _dir.File(name);
        write(path);
        return File.ReadAllBytes(path);
    }

    private static float[] Values(int count) => [.. Enumerable.Range(0, count).Select(i => (i - count / 2) * 0.125f)];

    [Fact]
    public Task Gguf() => FuzzFileAsync("GGUF", ".gguf", Written("seed.gguf", path =>
    {
        var writer = new GgufWriter("qwen3");
        writer.AddString("general.name", "fuzz");
        writer.AddUInt32("qwen3.block_count", 2);
        writer.AddFloat32("qwen3.rope.freq_base", 1e6f);
        writer.AddStringArray("tokenizer.ggml.tokens", ["a", "b", "c"]);
        writer.AddTensor("token_embd.weight", [32, 4], GgmlType.F32, Values(128));
        writer.AddTensor("output.weight", [32, 3], GgmlType.Q8_0, Values(96));
        writer.AddTensor("norm.weight", [32], GgmlType.F16, Values(32));
        writer.WriteTo(path);
    }), path =>
    {
        using var file = GgufFile.Open(path);
        foreach (var tensor in file.Tensors)
        {
            if (GgmlQuantization.CanDequantize(tensor.Type))
            {
                file.ReadFloat32(tensor.Name);
            }
        }
    }, ModelError);

    [Fact]
    public Task Npy() => FuzzFileAsync("NPY", ".npy", Written("seed.npy", path => NpyWriter.Write(path, Values(60), [4, 15])), path =>
    {
        using var file = NpyFile.Open(path);
        if (file.Header.DType is NpyDType.Float32 or NpyDType.Float16 or NpyDType.Float64)
        {
            file.ReadAllFloat32();
            if (file.Header.Shape.Length == 2 && file.Header.Shape[0] > 0)
            {
                file.ReadRowFloat32(file.Header.Shape[0] - 1, new float[file.Header.Shape[1]]);
            }
        }
        else
        {
            file.ReadAllInt64();
        }
    }, ModelError);

    [Fact]
    public Task NpyHeaderText() => FuzzFileAsync("NPY header text", ".npy", Written("seed-text.npy", path => NpyWriter.Write(path, Values(60), [4, 15])), path =>
    {
        using var file = NpyFile.Open(path);
        file.ReadAllFloat32();
    }, ModelError, text: true, seed: 2);

    [Fact]
    public Task Npz() => FuzzFileAsync("NPZ", ".npz", Written("seed.npz", path =>
    {
        using var writer = new NpzWriter(path, compressed: true);
        writer.Add("codec_emb_0", Values(40), [8, 5]);
        writer.Add("codec_emb_1", Values(40), [8, 5]);
    }), path =>
    {
        using var archive = NpzArchive.Open(path);
        foreach (var name in archive.Names)
        {
            archive.Read(name).ToFloat32();
        }
    }, ModelError);

    [Fact]
    public Task Safetensors() => FuzzFileAsync("safetensors", ".safetensors", Written("seed.safetensors", path =>
    {
        var writer = new SafetensorsWriter();
        writer.Metadata["format"] = "pt";
        writer.Add("decoder.conv.weight", [4, 3, 5], Values(60), SafetensorsDType.BF16);
        writer.Add("decoder.conv.bias", [4], Values(4));
        writer.WriteTo(path);
    }), path =>
    {
        using var file = SafetensorsFile.Open(path);
        foreach (var tensor in file.Tensors)
        {
            if (SafetensorsDTypes.IsFloat(tensor.DType))
            {
                file.ReadFloat32(tensor.Name);
            }
            else
            {
                file.ReadInt64(tensor.Name);
            }
        }
    }, ModelError, text: true, seed: 3);

    private static readonly string VoiceJsonText =
        """{"ref_text": "Some reference words", "codec_tokens": [[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16],[16,15,14,13,12,11,10,9,8,7,6,5,4,3,2,1]], "speaker_embedding": [0.5, -0.25, 0.125], "language": "english"}""";

    [Fact]
    public Task VoiceJson() => FuzzBytesAsync("voice JSON", Encoding.UTF8.GetBytes(VoiceJsonText), bytes => VoiceFile.Parse(bytes, ".json", "fuzz.json"), VoiceError, text: true, seed: 4);

    [Fact]
    public Task VoiceNpy() => FuzzBytesAsync("voice NPY", Written("voice.npy", path => NpyWriter.Write(path, [.. Enumerable.Range(0, 48).Select(i => (long)i)], [3, 16])),
        bytes => VoiceFile.Parse(bytes, ".npy", "fuzz.npy"), VoiceError, seed: 5);

    [Theory]
    [InlineData("official_icl.pt")]
    [InlineData("seed_transposed_view.pt")]
    public Task VoicePt(string fixture) => FuzzBytesAsync($"voice .pt ({fixture})", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Voices", "Fixtures", fixture)),
        bytes => VoiceFile.Parse(bytes, ".pt", "fuzz.pt"), VoiceError, seed: 6);

    /// <summary>The .pt archive's pickle itself mutated (the zip around it stays valid), so the unpickler sees the damage.</summary>
    [Fact]
    public async Task VoicePtPickle()
    {
        var valid = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Voices", "Fixtures", "official_icl.pt"));
        var run = new FuzzRun("voice .pt pickle", output);
        var random = new Random(7);
        string pickleName;
        byte[] pickle;
        using (var zip = new ZipArchive(new MemoryStream(valid), ZipArchiveMode.Read))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal));
            pickleName = entry.FullName;
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            pickle = copy.ToArray();
        }
        for (var i = 0; i < FuzzRun.Iterations(QuickIterations); i++)
        {
            var (what, bytes) = Mutations.Next(pickle, random);
            var file = ReplaceEntry(valid, pickleName, bytes);
            await run.TryAsync($"#{i} (pickle {what})", () => { VoiceFile.Parse(file, ".pt", "fuzz.pt"); return Task.CompletedTask; }, VoiceError);
        }
        run.AssertClean();
    }

    private static byte[] ReplaceEntry(byte[] archive, string name, byte[] content)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression);
                using var to = copy.Open();
                if (entry.FullName == name)
                {
                    to.Write(content);
                }
                else
                {
                    using var from = entry.Open();
                    from.CopyTo(to);
                }
            }
        }
        return output.ToArray();
    }

    [Theory]
    [InlineData(AudioFormat.WavPcm16)]
    [InlineData(AudioFormat.WavFloat32)]
    public Task Wav(AudioFormat format)
    {
        using var buffer = new MemoryStream();
        using (var writer = new WavWriter(buffer, 24000, 1, format, leaveOpen: true))
        {
            writer.WriteSamples(Values(480).Select(v => v / 64).ToArray());
        }
        return FuzzBytesAsync($"WAV ({format})", buffer.ToArray(), bytes => WavReader.Decode(bytes, "fuzz.wav", maxSeconds: 30), e => e is InvalidDataException, seed: 8);
    }

    public void Dispose() => _dir.Dispose();
}
