using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Tests.Pipeline;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Talker;

/// <summary>
/// A request's talker outputs must not depend on what else the talker is doing: which other sequences share its
/// decodes, where its prefill is cut into batches, or which KV sequence (and cells) an earlier request left behind.
/// Any of these changing a single bit changes the sampled codes of a seed from there on.
/// </summary>
public sealed class TalkerBatchInvarianceTests(TinyModelsFixture fixture, ITestOutputHelper output) : IClassFixture<TinyModelsFixture>
{
    private const int LongPrompt = 700; // above the 512-row batch: the prefill is decoded in two llama.cpp batches (11 managed passes)

    /// <summary>The tiny set, or the talker of <c>QWEN3_TTS_INVARIANCE_MODELS</c> (e.g. a 0.6b synthetic set: the real kernels' shapes).</summary>
    private TalkerModel Load(TalkerBackend engine)
    {
        var store = fixture.Store(Environment.GetEnvironmentVariable("QWEN3_TTS_INVARIANCE_MODELS"));
        var files = store.ResolveTalker();
        return TalkerModel.Load(TalkerRuntimeGguf.Prepare(files.Gguf, files.CodecHead), new TalkerOptions { Engine = engine, MaxSequences = 4, ContextPerSequence = 2048, Threads = 1 });
    }

    private static float[] Rows(int count, int hidden, int seed) => RandomRows.Of(count, hidden, seed);

    private static async Task<(float[] Hidden, float[] Logits)> AloneAsync(TalkerModel model, float[] prompt, int rows, float[] steps)
    {
        await using var session = await model.OpenSessionAsync();
        await session.PrefillAsync(prompt, rows);
        var hidden = model.HiddenSize;
        for (var s = 0; s < steps.Length / hidden; s++)
        {
            await session.StepAsync(steps.AsMemory(s * hidden, hidden));
        }
        return (session.Output.Hidden.ToArray(), session.Output.Logits.ToArray());
    }

    [Theory]
    [InlineData(TalkerBackend.Llama)]
    [InlineData(TalkerBackend.Managed)]
    public async Task ALongPrefillDecodedBesideOtherSequencesEqualsItDecodedAlone(TalkerBackend engine)
    {
        using var model = Load(engine);
        var hidden = model.HiddenSize;
        var prompt = Rows(LongPrompt, hidden, seed: 1);
        var steps = Rows(8, hidden, seed: 2);
        var alone = await AloneAsync(model, prompt, LongPrompt, steps);

        // Another request is mid-utterance: its steps and this prefill go into the same decodes.
        await using var other = await model.OpenSessionAsync();
        await other.PrefillAsync(Rows(40, hidden, seed: 3), 40);
        await using var session = await model.OpenSessionAsync();
        await model.DecodeAsync([new TalkerDecodeItem(other, Rows(1, hidden, seed: 4), 1), new TalkerDecodeItem(session, prompt, LongPrompt)]);
        for (var s = 0; s < 8; s++)
        {
            await model.DecodeAsync([new TalkerDecodeItem(other, Rows(1, hidden, seed: 10 + s), 1), new TalkerDecodeItem(session, steps.AsMemory(s * hidden, hidden), 1)]);
        }

        AssertSame(alone, session.Output, "beside another sequence");
    }

    [Theory]
    [InlineData(TalkerBackend.Llama)]
    [InlineData(TalkerBackend.Managed)]
    public async Task APrefillOnAReusedSequenceEqualsItOnAFreshTalker(TalkerBackend engine)
    {
        using var fresh = Load(engine);
        var hidden = fresh.HiddenSize;
        var prompt = Rows(LongPrompt, hidden, seed: 5);
        var steps = Rows(8, hidden, seed: 6);
        var expected = await AloneAsync(fresh, prompt, LongPrompt, steps);

        using var used = Load(engine);
        // Earlier requests of other lengths took and gave back every sequence, some of them twice.
        for (var round = 0; round < 2; round++)
        {
            var earlier = new List<TalkerSession>();
            for (var i = 0; i < 4; i++)
            {
                var session = await used.OpenSessionAsync();
                await session.PrefillAsync(Rows(100 + 37 * i + round, hidden, seed: 20 + i), 100 + 37 * i + round);
                earlier.Add(session);
            }
            foreach (var session in earlier)
            {
                await session.DisposeAsync();
            }
        }

        AssertSame(expected, (await AloneAsync(used, prompt, LongPrompt, steps)), "on a reused sequence");
    }

    private void AssertSame((float[] Hidden, float[] Logits) expected, TalkerOutput actual, string where) =>
        AssertSame(expected, (actual.Hidden.ToArray(), actual.Logits.ToArray()), where);

    private void AssertSame((float[] Hidden, float[] Logits) expected, (float[] Hidden, float[] Logits) actual, string where)
    {
        static string Compare(float[] a, float[] b) =>
            $"{a.Zip(b).Count(p => BitConverter.SingleToInt32Bits(p.First) != BitConverter.SingleToInt32Bits(p.Second))} of {a.Length} differ, worst by {a.Zip(b).Max(p => Math.Abs(p.First - p.Second)):G3}";
        output.WriteLine($"{where}: hidden {Compare(expected.Hidden, actual.Hidden)}; logits {Compare(expected.Logits, actual.Logits)}");
        Assert.Equal(expected.Hidden, actual.Hidden);
        Assert.Equal(expected.Logits, actual.Logits);
    }
}
