using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Predictor;

/// <summary>
/// Everything the code predictor reads per frame: its 5-layer Qwen3 stack, the 15 codebook embeddings
/// and 15 heads (one per codebook 1–15), the talker's codec embedding (which embeds code 0) and the
/// tts_pad text embedding (part of the feedback sum). Shared read-only between sessions.
/// The embedding tables are talker-width (they are also summed into the talker's input); when the
/// predictor is narrower (1.7B) <see cref="InputProjection"/> maps every input vector to its width.
/// </summary>
public sealed class CodePredictorWeights
{
    /// <summary>Predictions per frame: codebooks 1..15.</summary>
    public const int GroupCount = CodecTokenIds.CodebookCount - 1;

    public CodePredictorWeights(
        Qwen3StackWeights stack,
        float[][] codecEmbeddings,
        QuantizedMatrix[] lmHeads,
        float[] talkerCodecEmbedding,
        float[] ttsPadEmbedding,
        PredictorInputProjection? inputProjection = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(codecEmbeddings);
        ArgumentNullException.ThrowIfNull(lmHeads);
        ArgumentNullException.ThrowIfNull(talkerCodecEmbedding);
        ArgumentNullException.ThrowIfNull(ttsPadEmbedding);
        var width = stack.Config.HiddenSize;
        if (inputProjection is not null && inputProjection.OutputWidth != width)
        {
            throw new ModelFormatException(
                $"small_to_mtp_projection maps to {inputProjection.OutputWidth} values, the predictor's hidden size is {width}", null, "small_to_mtp_projection.weight");
        }
        var hidden = inputProjection?.InputWidth ?? width;
        if (codecEmbeddings.Length != GroupCount)
        {
            throw new ModelFormatException($"expected {GroupCount} codebook embeddings, found {codecEmbeddings.Length}", null, "code_pred.codec_embd.*.weight");
        }
        if (lmHeads.Length != GroupCount)
        {
            throw new ModelFormatException($"expected {GroupCount} heads, found {lmHeads.Length}", null, "code_pred.lm_head.*.weight");
        }
        for (var g = 0; g < GroupCount; g++)
        {
            var table = codecEmbeddings[g] ?? throw new ModelFormatException("embedding is missing", null, $"code_pred.codec_embd.{g}.weight");
            ExpectTable($"code_pred.codec_embd.{g}.weight", table, CodecTokenIds.CodebookSize, hidden);
            var head = lmHeads[g] ?? throw new ModelFormatException("head is missing", null, $"code_pred.lm_head.{g}.weight");
            Qwen3StackWeights.ExpectMatrix($"code_pred.lm_head.{g}.weight", head, CodecTokenIds.CodebookSize, width);
        }
        // The talker vocabulary is the 2048 codebook-0 codes plus control rows above them (3072 in the released models).
        if (talkerCodecEmbedding.LongLength % hidden != 0 || talkerCodecEmbedding.LongLength / hidden <= CodecTokenIds.CodebookSize)
        {
            throw new ModelFormatException(
                $"expected the talker codec table [> {CodecTokenIds.CodebookSize} x {hidden}] (codebook-0 codes, then control ids), found {talkerCodecEmbedding.LongLength} values", null, "talker.codec_embd.weight");
        }
        Qwen3StackWeights.ExpectVector("tts_pad_embed", ttsPadEmbedding, hidden);
        Stack = stack;
        CodecEmbeddings = codecEmbeddings;
        LmHeads = lmHeads;
        TalkerCodecEmbedding = talkerCodecEmbedding;
        TtsPadEmbedding = ttsPadEmbedding;
        InputProjection = inputProjection;
        HiddenSize = hidden;
    }

    /// <summary>small_to_mtp_projection, or null when the predictor is as wide as the talker.</summary>
    public PredictorInputProjection? InputProjection { get; }

    public Qwen3StackWeights Stack { get; }

    /// <summary>[15][2048 x hidden] row-major: codec_embd[g] embeds codebook g+1.</summary>
    public IReadOnlyList<float[]> CodecEmbeddings { get; }

    /// <summary>[15] heads [2048 x hidden]: lm_head[g] predicts codebook g+1.</summary>
    public IReadOnlyList<QuantizedMatrix> LmHeads { get; }

    /// <summary>[3072 x hidden]: the talker's codec embedding; rows 0..2047 embed code 0.</summary>
    public float[] TalkerCodecEmbedding { get; }

    /// <summary>[hidden]</summary>
    public float[] TtsPadEmbedding { get; }

    /// <summary>Talker width: of the talker hidden state, the embedding tables and the feedback vector.</summary>
    public int HiddenSize { get; }

    /// <summary>The predictor stack's own width (= <see cref="HiddenSize"/> unless there is an input projection).</summary>
    public int StackHiddenSize => Stack.Config.HiddenSize;

    /// <summary>
    /// The stack's input for <paramref name="n"/> talker-width rows: the rows themselves when the widths
    /// agree (0.6B, no copy), else their projection written to <paramref name="scratch"/> (1.7B).
    /// </summary>
    internal ReadOnlySpan<float> StackInputs(ReadOnlySpan<float> talkerWidth, int n, Span<float> scratch, RowParallelism? parallelism)
    {
        if (InputProjection is null)
        {
            return talkerWidth[..(n * HiddenSize)];
        }
        var projected = scratch[..(n * StackHiddenSize)];
        InputProjection.Apply(talkerWidth, n, projected, parallelism);
        return projected;
    }

    internal ReadOnlySpan<float> CodeEmbedding(int group, int code) =>
        CodecEmbeddings[group].AsSpan(code * HiddenSize, HiddenSize);

    internal ReadOnlySpan<float> Code0Embedding(int code0) =>
        TalkerCodecEmbedding.AsSpan(code0 * HiddenSize, HiddenSize);

    private static void ExpectTable(string tensor, float[] table, int rows, int hidden)
    {
        if (table.LongLength != (long)rows * hidden)
        {
            var found = table.LongLength % hidden == 0 ? $"[{table.LongLength / hidden} x {hidden}]" : $"{table.LongLength} values";
            throw new ModelFormatException($"expected table [{rows} x {hidden}], found {found}", null, tensor);
        }
    }
}
