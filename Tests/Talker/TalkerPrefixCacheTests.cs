using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Talker;

/// <summary>
/// The prompt-prefix cache: a request whose text-independent rows were prefilled before restores their KV state
/// and decodes only its text rows; its outputs (and so its audio) must equal those of a talker without the cache.
/// </summary>
public sealed class TalkerPrefixCacheTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>
{
    private const int PromptRows = 30;
    private const int Prefix = 11;

    /// <summary>The tiny set, or the talker of <c>QWEN3_TTS_INVARIANCE_MODELS</c> (e.g. a 0.6b synthetic set: the real kernels' shapes).</summary>
    private TalkerModel Load(int cacheMegabytes, TalkerBackend engine)
    {
        var files = fixture.Store(Environment.GetEnvironmentVariable("QWEN3_TTS_INVARIANCE_MODELS")).ResolveTalker();
        return TalkerModel.Load(TalkerRuntimeGguf.Prepare(files.Gguf, files.CodecHead),
            new TalkerOptions { Engine = engine, MaxSequences = 2, ContextPerSequence = 256, PrefixCacheMegabytes = cacheMegabytes });
    }

    private static float[] Rows(int count, int hidden, int seed) => RandomRows.Of(count, hidden, seed);

    private static async Task<(float[] Hidden, float[] Logits)> RunAsync(TalkerModel model, float[] prompt, float[] steps)
    {
        await using var session = await model.OpenSessionAsync();
        var first = await session.PrefillAsync(prompt, PromptRows, Prefix);
        Assert.Equal(PromptRows, session.Position);
        var firstLogits = first.Logits.ToArray();
        for (var s = 0; s < steps.Length / model.HiddenSize; s++)
        {
            await session.StepAsync(steps.AsMemory(s * model.HiddenSize, model.HiddenSize));
        }
        return ([.. session.Output.Hidden, .. firstLogits], session.Output.Logits.ToArray());
    }

    [Theory]
    [InlineData(TalkerBackend.Llama)]
    [InlineData(TalkerBackend.Managed)]
    public async Task APrefillFromACachedPrefixEqualsOneWithoutTheCacheBitForBit(TalkerBackend engine)
    {
        using var plain = Load(cacheMegabytes: 0, engine);
        var hidden = plain.HiddenSize;
        var prompt = Rows(PromptRows, hidden, seed: 1);
        var steps = Rows(5, hidden, seed: 2);
        var expected = await RunAsync(plain, prompt, steps);
        Assert.Equal((0, 0), plain.PrefixCacheCounts);

        using var cached = Load(cacheMegabytes: 16, engine);
        var miss = await RunAsync(cached, prompt, steps);
        Assert.Equal((0L, 1L), cached.PrefixCacheCounts);
        // Another text after the same prefix: only its text rows differ.
        var otherText = (float[])prompt.Clone();
        Rows(PromptRows - Prefix, hidden, seed: 3).CopyTo(otherText.AsSpan(Prefix * hidden));
        var other = await RunAsync(cached, otherText, steps);
        var hit = await RunAsync(cached, prompt, steps);
        Assert.Equal((2L, 1L), cached.PrefixCacheCounts);
        Assert.Equal(1, cached.PrefixCache.Count);

        AssertSame(expected, miss);
        AssertSame(expected, hit);
        Assert.NotEqual(expected.Hidden, other.Hidden);
        AssertSame(await RunAsync(plain, otherText, steps), other);
        Assert.Equal(0, cached.SequencesInUse);
    }

    [Theory]
    [InlineData(TalkerBackend.Llama)]
    [InlineData(TalkerBackend.Managed)]
    public async Task APrefixThatDiffersInOneBitIsNotServedTheCachedState(TalkerBackend engine)
    {
        using var plain = Load(cacheMegabytes: 0, engine);
        using var cached = Load(cacheMegabytes: 16, engine);
        var hidden = plain.HiddenSize;
        var prompt = Rows(PromptRows, hidden, seed: 4);
        var steps = Rows(2, hidden, seed: 5);
        await RunAsync(cached, prompt, steps);

        var changed = (float[])prompt.Clone();
        changed[3 * hidden + 7] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(changed[3 * hidden + 7]) ^ 1);
        var result = await RunAsync(cached, changed, steps);

        Assert.Equal((0L, 2L), cached.PrefixCacheCounts);
        Assert.Equal(2, cached.PrefixCache.Count);
        AssertSame(await RunAsync(plain, changed, steps), result);
    }

    private static void AssertSame((float[] Hidden, float[] Logits) expected, (float[] Hidden, float[] Logits) actual)
    {
        Assert.Equal(expected.Hidden, actual.Hidden);
        Assert.Equal(expected.Logits, actual.Logits);
    }

    [Fact]
    public void TheCacheKeepsWithinItsBytesDroppingTheLeastRecentlyUsed()
    {
        var cache = new TalkerPrefixCache(capacityBytes: 3000);
        float[] a = [1, 2], b = [3, 4], c = [5, 6];
        cache.Add(a, new byte[1000]);
        cache.Add(b, new byte[1000]);
        Assert.NotNull(cache.Find(a)); // a is now the most recent, so b goes when c arrives
        cache.Add(c, new byte[1000]);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.Bytes <= 3000);
        Assert.NotNull(cache.Find(a));
        Assert.Null(cache.Find(b));
        Assert.NotNull(cache.Find(c));
        cache.Add(a, new byte[4000]); // larger than the whole cache: not kept
        Assert.NotNull(cache.Find(a));
        Assert.Null(cache.Find([7f]));
    }

    [Fact]
    public async Task SpeechWithTheCacheEqualsSpeechWithoutItForAVoiceAndForAClone()
    {
        using var plain = fixture.Load(new TalkerOptions { PrefixCacheMegabytes = 0 });
        using var cached = fixture.Load(new TalkerOptions());
        var clone = new VoiceReference(Enumerable.Range(0, 6 * 16).Select(i => (long)(i * 37 % 2048)).ToArray(), "The words in the clip.");
        var eos = new EosOptions(MaxFrames: 10);
        SynthesisRequest[] requests =
        [
            new("Hello world, this is a test.", "english", Seed: 3) { Eos = eos },
            new("Another sentence for the same voice.", "english", Seed: 4) { Eos = eos },
            new("Hello world, this is a test.", "english", clone, Seed: 3, Layout: PromptLayout.StreamingText) { Eos = eos },
            new("Hello world, this is a test.", "english", clone, Seed: 5) { Eos = eos },
        ];
        foreach (var request in requests.Concat(requests))
        {
            var expected = await new SpeechSynthesizer(plain).SynthesizeAsync(request);
            var actual = await new SpeechSynthesizer(cached).SynthesizeAsync(request);
            Assert.True(expected.Frames > 0);
            Assert.Equal(expected.Samples, actual.Samples);
        }
        var (hits, misses) = cached.Talker.Model.PrefixCacheCounts;
        Assert.Equal(3, misses); // the voice's prefix once, the clone's two layouts once each
        Assert.Equal(5, hits);
    }
}
