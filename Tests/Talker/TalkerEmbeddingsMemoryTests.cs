using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Talker;

/// <summary>What the talker's tables hold in memory: the predictor codebook tables only once a clone prompt needs them.</summary>
public sealed class TalkerEmbeddingsMemoryTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>
{
    [Fact]
    public async Task ThePredictorCodebookTablesLoadWithTheFirstClonePromptAndGiveTheSameAudio()
    {
        using var models = fixture.Load();
        var embeddings = models.Talker.Embeddings;
        var eos = new EosOptions(MaxFrames: 6);
        await new SpeechSynthesizer(models).SynthesizeAsync(new SynthesisRequest("No clone here.", "english", Seed: 1) { Eos = eos });
        Assert.True(embeddings.SupportsVoiceClone);
        Assert.False(embeddings.PredictorTablesLoaded);

        var clone = new VoiceReference(Enumerable.Range(0, 4 * 16).Select(i => (long)(i * 53 % 2048)).ToArray(), "Reference words.");
        var request = new SynthesisRequest("A cloned sentence.", "english", clone, Seed: 2) { Eos = eos };
        var first = await new SpeechSynthesizer(models).SynthesizeAsync(request);
        Assert.True(embeddings.PredictorTablesLoaded);

        // The prompt rows are those of tables read eagerly into memory (what the loader did before).
        var predictor = models.Predictor;
        var rows = TalkerUtterance.BuildPrompt(models.Talker, request);
        var direct = new float[rows.HiddenSize];
        var frame = clone.Codes.AsSpan(16, 16);
        embeddings.AddCodec((int)frame[0], direct);
        for (var k = 1; k < 16; k++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(direct, predictor.CodecEmbeddings[k - 1].AsSpan((int)frame[k] * rows.HiddenSize, rows.HiddenSize), direct);
        }
        Assert.True(first.Frames > 0);
        Assert.Equal(first.Samples, (await new SpeechSynthesizer(models).SynthesizeAsync(request)).Samples);
        Assert.Contains(Enumerable.Range(0, rows.RowCount), r => Near(rows, r, direct));
    }

    /// <summary>Row r is the frame's codec sum plus a text-track row; compare after removing the tts_pad text track.</summary>
    private static bool Near(TalkerPrompt prompt, int r, float[] codecSum)
    {
        var row = prompt.Row(r).ToArray();
        System.Numerics.Tensors.TensorPrimitives.Subtract(row, prompt.PadRow, row);
        return row.Zip(codecSum).All(p => MathF.Abs(p.First - p.Second) <= 1e-5f * (1 + MathF.Abs(p.Second)));
    }
}
