using System.Text.Json;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Inference.Text;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Writes the talker role in the seed's layout: a llama.cpp `qwen3` GGUF (token_embd/output are the
/// codec tables, padded to the preset's vocabulary rows like the seed's converter does),
/// the tokenizer, and the npy tables (text embedding, text projection MLP, codec embedding and head).
/// </summary>
internal static class SyntheticTalkerWriter
{
    public static void Write(string roleDirectory, SyntheticPreset preset, SyntheticWeights weights)
    {
        var embeddings = Path.Combine(roleDirectory, "embeddings");
        Directory.CreateDirectory(embeddings);

        var tokenizer = Path.Combine(roleDirectory, "tokenizer.json");
        BundledTokenizer.WriteQwen3TtsTokenizerJson(tokenizer);
        WriteTables(embeddings, preset, weights);
        WriteGguf(Path.Combine(roleDirectory, "talker-q8_0.gguf"), preset, weights, tokenizer);
    }

    internal static void WriteTables(string embeddings, SyntheticPreset preset, SyntheticWeights weights)
    {
        var h = preset.Talker.HiddenSize;
        var th = preset.TextHiddenSize;
        // The text table is unit-scale like a trained embedding; the MLP keeps that scale.
        NpyWriter.WriteFloat32Rows(Path.Combine(embeddings, "text_embedding.npy"), [TextTokenIds.TextVocabSize, th],
            weights.Rows(SyntheticTensorNames.TextEmbedding, th, 1f));
        var projection = SyntheticProjection.Create(preset, weights);
        NpyWriter.Write(Path.Combine(embeddings, "text_projection_linear_fc1_weight.npy"), projection.Fc1Weight, [th, th]);
        NpyWriter.Write(Path.Combine(embeddings, "text_projection_linear_fc1_bias.npy"), projection.Fc1Bias, [th]);
        NpyWriter.Write(Path.Combine(embeddings, "text_projection_linear_fc2_weight.npy"), projection.Fc2Weight, [h, th]);
        NpyWriter.Write(Path.Combine(embeddings, "text_projection_linear_fc2_bias.npy"), projection.Fc2Bias, [h]);
        NpyWriter.Write(Path.Combine(embeddings, "codec_embedding.npy"),
            weights.Create(SyntheticTensorNames.TalkerCodecEmbedding, CodecTokenIds.TalkerVocabSize, h, 1f), [CodecTokenIds.TalkerVocabSize, h]);
        NpyWriter.Write(Path.Combine(embeddings, "codec_head.npy"),
            SyntheticCodecHead.Create(weights, h), [CodecTokenIds.TalkerVocabSize, h]);
        NpyWriter.Write(Path.Combine(embeddings, "tts_pad_embed.npy"), projection.TtsPad(preset, weights), [h]);
    }

    private static void WriteGguf(string path, SyntheticPreset preset, SyntheticWeights weights, string tokenizerJson)
    {
        var c = preset.Talker;
        var rows = preset.TalkerGgufVocabRows;
        var gguf = new GgufWriter("qwen3");
        gguf.AddString("general.name", $"qwen3-tts talker (synthetic {preset.Name}, seed {weights.Seed})");
        gguf.AddUInt32("general.file_type", 7); // MOSTLY_Q8_0
        Qwen3GgufTensors.AddHyperParameters(gguf, "qwen3", c);
        if (preset.TalkerGgufCarriesTextTokenizer)
        {
            AddTextVocabulary(gguf, rows, tokenizerJson);
        }
        else
        {
            CodecGgufVocabulary.Add(gguf, rows);
        }

        // Rows past the 3072 codec ids are zero, as in the seed's padded conversion.
        gguf.AddTensor("token_embd.weight", [c.HiddenSize, rows], preset.WeightType,
            PaddedCodecRows(weights.Rows(SyntheticTensorNames.TalkerCodecEmbedding, c.HiddenSize, 1f), c.HiddenSize));
        gguf.AddTensor("output.weight", [c.HiddenSize, rows], preset.WeightType,
            PaddedCodecRows(SyntheticCodecHead.Rows(weights, c.HiddenSize), c.HiddenSize));
        Qwen3GgufTensors.AddLayers(gguf, weights, "blk", "output_norm.weight", c, preset.WeightType);
        gguf.WriteTo(path);
    }

    private static Action<long, int, Span<float>> PaddedCodecRows(Action<long, int, Span<float>> codecRows, int width)
        => (first, count, destination) =>
        {
            destination[..(count * width)].Clear();
            var real = (int)Math.Clamp(CodecTokenIds.TalkerVocabSize - first, 0, count);
            if (real > 0)
            {
                codecRows(first, real, destination);
            }
        };

    /// <summary>The full Qwen2 byte-level vocabulary, as llama.cpp's converter writes it for a Qwen3 model.</summary>
    private static void AddTextVocabulary(GgufWriter gguf, int rows, string tokenizerJson)
    {
        using var stream = File.OpenRead(tokenizerJson);
        using var json = JsonDocument.Parse(stream);
        var model = json.RootElement.GetProperty("model");
        var tokens = new string[rows];
        var types = new int[rows];
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            var id = entry.Value.GetInt32();
            tokens[id] = entry.Name;
            types[id] = 1;
        }
        foreach (var added in json.RootElement.GetProperty("added_tokens").EnumerateArray())
        {
            var id = added.GetProperty("id").GetInt32();
            tokens[id] = added.GetProperty("content").GetString()!;
            types[id] = added.GetProperty("special").GetBoolean() ? 3 : 4;
        }
        for (var i = 0; i < rows; i++)
        {
            if (tokens[i] is null)
            {
                tokens[i] = $"[PAD{i}]";
                types[i] = 5; // unused
            }
        }
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.Array ? $"{m[0].GetString()} {m[1].GetString()}" : m.GetString()!)
            .ToArray();
        gguf.AddString("tokenizer.ggml.model", "gpt2");
        gguf.AddString("tokenizer.ggml.pre", "qwen2");
        gguf.AddStringArray("tokenizer.ggml.tokens", tokens);
        gguf.AddInt32Array("tokenizer.ggml.token_type", types);
        gguf.AddStringArray("tokenizer.ggml.merges", merges);
        gguf.AddUInt32("tokenizer.ggml.eos_token_id", TextTokenIds.ImEnd);
        gguf.AddUInt32("tokenizer.ggml.bos_token_id", 151643);
        gguf.AddUInt32("tokenizer.ggml.padding_token_id", 151643);
    }
}
