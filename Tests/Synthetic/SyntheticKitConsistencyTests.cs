using System.Security.Cryptography;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Tests.Synthetic;

public sealed class SyntheticKitConsistencyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("qwen3-kit-").FullName;

    [Fact]
    public async Task TheSameSeedWritesByteIdenticalFilesAndAnotherSeedDoesNot()
    {
        var a = Path.Combine(_root, "a");
        var b = Path.Combine(_root, "b");
        var c = Path.Combine(_root, "c");
        await SyntheticModelKit.WriteAsync(a, SyntheticPreset.Tiny, seed: 3);
        await SyntheticModelKit.WriteAsync(b, SyntheticPreset.Tiny, seed: 3);
        await SyntheticModelKit.WriteAsync(c, SyntheticPreset.Tiny, seed: 4);

        var hashesA = Hashes(a);
        Assert.Equal(hashesA, Hashes(b));
        var hashesC = Hashes(c);
        Assert.Equal(hashesA.Keys, hashesC.Keys);
        // Only the tokenizer and the configs do not depend on the seed.
        Assert.Equal(["speech_tokenizer/config.json", "speech_tokenizer/preprocessor_config.json", "talker/tokenizer.json"],
            hashesA.Where(p => hashesC[p.Key] == p.Value).Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryCopyOfATensorAgreesAcrossFiles()
    {
        await SyntheticModelKit.WriteAsync(_root, SyntheticPreset.Tiny, seed: 6);
        string P(string relative) => Path.Combine(_root, relative);

        var talkerCodec = ReadNpy(P("talker/embeddings/codec_embedding.npy"));
        using var predictorGguf = GgufFile.Open(P("predictor/code_predictor/code-predictor-q8_0.gguf"));
        Assert.Equal(talkerCodec, ReadNpy(P("predictor/embeddings/codec_embedding.npy")));
        Assert.Equal(talkerCodec, predictorGguf.ReadFloat32("talker.codec_embd.weight"));

        using var npz = NpzArchive.Open(P("predictor/code_predictor/code_predictor_weights.npz"));
        for (var g = 0; g < 15; g++)
        {
            Assert.Equal(npz.Read($"codec_emb_{g}").ToFloat32(), predictorGguf.ReadFloat32($"code_pred.codec_embd.{g}.weight"));
        }

        // The talker GGUF's token_embd holds the codec table (Q8_0); its output the codec head.
        using var talkerGguf = GgufFile.Open(P("talker/talker-q8_0.gguf"));
        var embd = talkerGguf.ReadFloat32("token_embd.weight");
        for (var i = 0; i < talkerCodec.Length; i++)
        {
            Assert.True(MathF.Abs(embd[i] - talkerCodec[i]) <= 1f / 127 + 1e-6f, $"token_embd[{i}]");
        }

        // tts_pad_embed.npy is P(tts_pad) computed from the npy text table and projection.
        var projection = new TextProjection(
            ReadNpy(P("talker/embeddings/text_projection_linear_fc1_weight.npy")), ReadNpy(P("talker/embeddings/text_projection_linear_fc1_bias.npy")),
            ReadNpy(P("talker/embeddings/text_projection_linear_fc2_weight.npy")), ReadNpy(P("talker/embeddings/text_projection_linear_fc2_bias.npy")));
        using var text = NpyFile.Open(P("talker/embeddings/text_embedding.npy"));
        var row = new float[projection.TextHiddenSize];
        text.ReadRowFloat32(TextTokenIds.TtsPad, row);
        var pad = new float[projection.HiddenSize];
        projection.AddTo(row, pad);
        Assert.Equal(pad, ReadNpy(P("talker/embeddings/tts_pad_embed.npy")));
        Assert.Equal(pad, ReadNpy(P("predictor/embeddings/tts_pad_embed.npy")));
    }

    private static float[] ReadNpy(string path)
    {
        using var npy = NpyFile.Open(path);
        return npy.ReadAllFloat32();
    }

    private static Dictionary<string, string> Hashes(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f).Replace('\\', '/'), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
