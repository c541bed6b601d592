using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Talker;

/// <summary>The text projection taken for a whole prompt at once gives every row the bits of that row projected alone.</summary>
public sealed class TextProjectionTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>
{
    [Fact]
    public void RowsProjectedTogetherOnSeveralThreadsEqualEachRowAloneAndADoubleOracle()
    {
        const int th = 80, h = 48, n = 7;
        var random = new Random(3);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var (fc1, b1, fc2, b2) = (Values(th * th), Values(th), Values(h * th), Values(h));
        var projection = new TextProjection(fc1, b1, fc2, b2);
        var texts = Values(n * th);

        var together = new float[n * h];
        using (var workers = new RowParallelism(3, minWeightsToSplit: 0))
        {
            projection.Project(texts, n, together, workers);
        }
        for (var r = 0; r < n; r++)
        {
            var alone = new float[h];
            projection.AddTo(texts.AsSpan(r * th, th), alone);
            for (var o = 0; o < h; o++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(alone[o]) == BitConverter.SingleToInt32Bits(together[r * h + o]),
                    $"row {r} output {o}: {together[r * h + o]:R} together, {alone[o]:R} alone");
            }

            // fc2(SiLU(fc1 x + b1)) + b2 in doubles.
            var middle = new double[th];
            for (var i = 0; i < th; i++)
            {
                var a = (double)b1[i];
                for (var k = 0; k < th; k++)
                {
                    a += (double)fc1[i * th + k] * texts[r * th + k];
                }
                middle[i] = a / (1 + Math.Exp(-a));
            }
            for (var o = 0; o < h; o++)
            {
                var y = (double)b2[o];
                for (var k = 0; k < th; k++)
                {
                    y += fc2[o * th + k] * middle[k];
                }
                Assert.True(Math.Abs(y - together[r * h + o]) < 1e-5, $"row {r} output {o}: {together[r * h + o]} vs oracle {y}");
            }
        }
    }

    [Fact]
    public void WrongShapesAreNamed()
    {
        var projection = new TextProjection(new float[16], new float[4], new float[8], new float[2]);
        Assert.Contains("2 text rows of width 4 need 8 values, got 7", Assert.Throws<ArgumentException>(() => projection.Project(new float[7], 2, new float[4])).Message);
        Assert.Contains("2 projected rows of width 2 need 4 values, got 3", Assert.Throws<ArgumentException>(() => projection.Project(new float[8], 2, new float[3])).Message);
    }

    [Fact]
    public void TheModelsTablesProjectAPromptsIdsAsEachIdAlone()
    {
        using var models = fixture.Load();
        var embeddings = models.Talker.Embeddings;
        var h = embeddings.HiddenSize;
        int[] ids = [embeddings.Ids.TtsPad, 9707, 1879, embeddings.Ids.ImStart, 9707];
        var together = new float[ids.Length * h];
        embeddings.ProjectTexts(ids, together);
        for (var i = 0; i < ids.Length; i++)
        {
            var alone = new float[h];
            embeddings.AddProjectedText(ids[i], alone);
            Assert.Equal(alone, together.AsSpan(i * h, h).ToArray());
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => embeddings.ProjectTexts([embeddings.Ids.TextVocabSize], new float[h]));
    }
}
