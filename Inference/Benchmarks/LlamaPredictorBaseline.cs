using LLama;
using LLama.Common;
using LLama.Native;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Inference.Benchmarks;

/// <summary>
/// The alternative predictor engine the managed one was chosen against: the same 5 layers exported
/// as a standalone llama.cpp `qwen3` GGUF and run through LLamaSharp (one decode per position, fresh
/// sequence per frame), with the 15 heads and embeddings applied in managed code as they must be —
/// llama.cpp has one output matrix. Used only by `qwen3-tts bench predictor`.
/// </summary>
public sealed class LlamaPredictorBaseline : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly CodePredictorWeights _managed;
    private readonly float[] _logits = new float[CodecTokenIds.CodebookSize];

    private LlamaPredictorBaseline(LLamaWeights weights, LLamaContext context, CodePredictorWeights managed)
    {
        _weights = weights;
        _context = context;
        _managed = managed;
    }

    public static LlamaPredictorBaseline Create(string predictorGguf, CodePredictorWeights managed, string workDirectory, int threads)
    {
        LlamaNative.EnsureConfigured(null, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var path = Path.Combine(workDirectory, "predictor-as-qwen3.gguf");
        Export(predictorGguf, path);
        var parameters = new ModelParams(path)
        {
            ContextSize = 32,
            BatchSize = 16,
            UBatchSize = 16,
            Embeddings = true,
            GpuLayerCount = 0,
            Threads = threads,
            BatchThreads = threads,
        };
        var weights = LLamaWeights.LoadFromFile(parameters);
        return new LlamaPredictorBaseline(weights, weights.CreateContext(parameters), managed);
    }

    /// <summary>One frame: 2-row prefill + 14 single-row decodes, greedy codes from the managed heads.</summary>
    public void PredictFrame(ReadOnlySpan<float> talkerHidden, int code0, Span<int> codesOut)
    {
        var h = _managed.HiddenSize;
        var handle = _context.NativeHandle;
        handle.MemorySequenceRemove(LLamaSeqId.Zero, -1, -1);
        var batch = new LLamaBatchEmbeddings(h);
        batch.Add(talkerHidden, 0, LLamaSeqId.Zero, false);
        batch.Add(_managed.TalkerCodecEmbedding.AsSpan(code0 * h, h), 1, LLamaSeqId.Zero, true);
        for (var g = 0; g < CodePredictorWeights.GroupCount; g++)
        {
            if (handle.Decode(batch) != DecodeResult.Ok)
            {
                throw new InvalidOperationException("llama.cpp decode failed");
            }
            var hidden = handle.GetEmbeddingsIth(-1)[..h];
            _managed.LmHeads[g].MatVec(hidden, _logits);
            var code = Greedy.ArgMax(_logits);
            codesOut[g] = code;
            if (g + 1 < CodePredictorWeights.GroupCount)
            {
                batch = new LLamaBatchEmbeddings(h);
                batch.Add(_managed.CodecEmbeddings[g].AsSpan(code * h, h), g + 2, LLamaSeqId.Zero, true);
            }
        }
    }

    /// <summary>Renames code_pred.blk.* to blk.*, with the first codebook table/head as token_embd/output.</summary>
    private static void Export(string predictorGguf, string path)
    {
        using var source = GgufFile.Open(predictorGguf);
        var config = Qwen3GgufLayout.ReadConfig(source, CodePredictorLoader.Architecture, $"{CodePredictorLoader.Architecture}.code_predictor.layer_count");
        var writer = new GgufWriter("qwen3");
        var arch = CodePredictorLoader.Architecture;
        foreach (var key in source.Metadata.Keys.Where(k => k.StartsWith(arch + ".", StringComparison.Ordinal) && !k.Contains("code_predictor")))
        {
            writer.CopyMetadataAs(source.Metadata, key, "qwen3" + key[arch.Length..]);
        }
        writer.AddUInt32("qwen3.block_count", (uint)config.LayerCount);
        CodecGgufVocabulary.Add(writer, CodecTokenIds.CodebookSize);
        foreach (var t in source.Tensors)
        {
            var name = t.Name switch
            {
                _ when t.Name.StartsWith("code_pred.blk.", StringComparison.Ordinal) => t.Name["code_pred.".Length..],
                "code_pred.output_norm.weight" => "output_norm.weight",
                "code_pred.codec_embd.0.weight" => "token_embd.weight",
                "code_pred.lm_head.0.weight" => "output.weight",
                _ => null,
            };
            if (name is not null)
            {
                var tensor = t;
                writer.AddTensorBytes(name, tensor.Dimensions, tensor.Type, stream => stream.Write(source.GetTensorBytes(tensor)));
            }
        }
        writer.WriteTo(path);
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
