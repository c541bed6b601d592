using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>The talker's prompt tables from an official model.safetensors (shapes already validated against config.json).</summary>
public static class OfficialTalkerEmbeddings
{
    public static TalkerEmbeddings Load(OfficialCheckpoint checkpoint)
    {
        var w = checkpoint.Weights;
        var projection = LoadProjection(checkpoint);
        // The predictor's codebook tables serve only clone prompts: read a row at a time from the file, like the text table.
        var tables = new List<IEmbeddingTable>();
        try
        {
            for (var k = 0; k < CodecTokenIds.CodebookCount - 1; k++)
            {
                tables.Add(SafetensorsEmbeddingTable.Open(checkpoint.Files.Weights, OfficialTensorNames.PredictorCodecEmbedding(k)));
            }
            tables.Add(SafetensorsEmbeddingTable.Open(checkpoint.Files.Weights, OfficialTensorNames.TextEmbedding));
            var text = tables[^1];
            var predictorTables = new Lazy<IReadOnlyList<IEmbeddingTable>>(tables[..^1]);
            return new TalkerEmbeddings(text, projection, w.ReadFloat32(OfficialTensorNames.CodecEmbedding), predictorTables, checkpoint.Config.Ids);
        }
        catch
        {
            foreach (var table in tables)
            {
                table.Dispose();
            }
            throw;
        }
    }

    /// <summary>text_projection (fc1, fc2 with biases) in f32.</summary>
    public static TextProjection LoadProjection(OfficialCheckpoint checkpoint)
    {
        var w = checkpoint.Weights;
        return new TextProjection(
            w.ReadFloat32(OfficialTensorNames.ProjectionFc1Weight), w.ReadFloat32(OfficialTensorNames.ProjectionFc1Bias),
            w.ReadFloat32(OfficialTensorNames.ProjectionFc2Weight), w.ReadFloat32(OfficialTensorNames.ProjectionFc2Bias));
    }

    /// <summary>P(tts_pad) = text_projection(text_embedding[tts_pad]): part of every feedback vector.</summary>
    public static float[] ProjectedTtsPad(OfficialCheckpoint checkpoint, TextProjection projection)
    {
        using var text = SafetensorsEmbeddingTable.Open(checkpoint.Files.Weights, OfficialTensorNames.TextEmbedding);
        var row = new float[text.Width];
        text.ReadRow(checkpoint.Config.Ids.TtsPad, row);
        var pad = new float[projection.HiddenSize];
        projection.AddTo(row, pad);
        return pad;
    }
}
