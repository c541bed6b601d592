using Microsoft.Extensions.Logging;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Pipeline;

/// <summary>Texts longer than one utterance: split at sentences, every chunk spoken, joined with pauses, reproducible.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class LongTextSynthesisTests(TinyModelsFixture fixture)
{
    /// <summary>6,000+ characters of sentences of 5 to 16 words.</summary>
    public static string LongText { get; } = BuildLongText(6_200);

    // The seed's EOS schedule compressed so every chunk stops after a few frames: the test is about splitting and
    // joining, and a whole 6,000-character text at full length costs minutes of CPU on the tiny models.
    private static readonly EosOptions Short = new(StartRatio: 0f, MaxRatio: 0.02f, ForceRatio: 0.05f);

    private static string BuildLongText(int length)
    {
        var random = new Random(1);
        string[] words = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "seven", "wizards", "quietly", "hum"];
        var sentences = new List<string>();
        while (sentences.Sum(s => s.Length + 1) < length)
        {
            var sentence = string.Join(' ', Enumerable.Range(0, random.Next(5, 17)).Select(_ => words[random.Next(words.Length)]));
            sentences.Add(char.ToUpperInvariant(sentence[0]) + sentence[1..] + ".!?."[random.Next(4)]);
        }
        return string.Join(' ', sentences);
    }

    private async Task<(float[] Samples, List<AudioChunk> Chunks, List<string> Warnings)> SpeakAsync(ulong seed)
    {
        var log = new ListLogger();
        var synthesizer = new SpeechSynthesizer(fixture.Models, log);
        var chunks = new List<AudioChunk>();
        await foreach (var chunk in synthesizer.StreamAsync(new SynthesisRequest(LongText, "english", Seed: seed) { Eos = Short }))
        {
            chunks.Add(chunk.ToOwned());
        }
        return ([.. chunks.SelectMany(c => c.Samples.ToArray())], chunks, log.Warnings);
    }

    [Fact]
    public async Task SixThousandCharactersAreSpokenChunkByChunkAsOneReproducibleStream()
    {
        var plan = SynthesisLoop.PlanChunks(LongText, "english", Short.MaxFrames, LongTextOptions.Default);
        var (first, chunks, warnings) = await SpeakAsync(seed: 17);
        var (again, _, _) = await SpeakAsync(seed: 17);
        var (other, _, _) = await SpeakAsync(seed: 18);

        Assert.True(LongText.Length >= 6_000);
        Assert.InRange(plan.Count, 10, 40);
        Assert.All(plan, c => Assert.InRange(c.Text.Length, 1, LongTextOptions.Default.MaxChunkCharacters));
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Empty(warnings);

        // One stream: a single last chunk, frames counted across utterances, and a silent pause at every seam.
        Assert.Single(chunks, c => c.IsLast);
        Assert.True(chunks[^1].IsLast);
        Assert.Equal(chunks.Select(c => c.FramesSoFar).Order(), chunks.Select(c => c.FramesSoFar));
        Assert.Equal(plan.Count - 1, SilentRuns(first, minLength: 4_000));
    }

    [Fact]
    public async Task ChunkSeedsAreTheRequestSeedFirstThenDerivedPerChunk()
    {
        Assert.Equal(99ul, SynthesisLoop.ChunkSeed(99, 0));
        Assert.Equal(StepSeeds.For(99, SynthesisLoop.ChunkSeedComponent, 1), SynthesisLoop.ChunkSeed(99, 1));
        Assert.Equal(Enumerable.Range(0, 50).Count(), Enumerable.Range(0, 50).Select(i => SynthesisLoop.ChunkSeed(99, i)).Distinct().Count());

        // A text of one chunk is the utterance it always was: the same samples as the single-utterance loop.
        var request = new SynthesisRequest("One short sentence.", "english", Seed: 5) { Eos = Short };
        var synthesizer = new SpeechSynthesizer(fixture.Models);
        var viaText = (await synthesizer.SynthesizeAsync(request)).Samples;
        var direct = new List<float>();
        await foreach (var chunk in SynthesisLoop.RunOwningAsync(request, new Inference.Talker.TalkerUtterance(fixture.Models.Talker),
            new LocalPredictorChannel(fixture.Models.PredictorQueue), new LocalVocoderChannel(fixture.Models.Vocoder)))
        {
            direct.AddRange(chunk.Samples.ToArray());
        }
        Assert.Equal(direct, viaText);
    }

    [Fact]
    public void ACapTooSmallForAnyTextIsAnErrorBeforeAnyAudio()
    {
        var error = Assert.Throws<ArgumentException>(() => SynthesisLoop.PlanChunks("Hello.", "english", frameLimit: 12, LongTextOptions.Default));

        Assert.Contains("a frame cap of 12 frames cannot serve any text", error.Message);
    }

    [Fact]
    public async Task ATalkerContextSmallerThanAChunkSplitsTheTextFinerInsteadOfCuttingIt()
    {
        using var small = fixture.Load(new Inference.Talker.TalkerOptions { ContextPerSequence = 160, Threads = 1 });
        var log = new ListLogger();
        var synthesizer = new SpeechSynthesizer(small, log);
        var text = string.Join(' ', Enumerable.Repeat("A sentence of some length keeps going for a while here.", 8));

        var result = await synthesizer.SynthesizeAsync(new SynthesisRequest(text, "english", Seed: 3) { Eos = Short });

        Assert.NotEmpty(result.Samples);
        Assert.Contains(log.Infos, m => m.Contains("split finer", StringComparison.Ordinal));
        Assert.Empty(log.Warnings);
    }

    private static int SilentRuns(float[] samples, int minLength)
    {
        int runs = 0, length = 0;
        foreach (var s in samples.Append(1f))
        {
            if (s == 0f)
            {
                length++;
                continue;
            }
            runs += length >= minLength ? 1 : 0;
            length = 0;
        }
        return runs;
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Warnings { get; } = [];

        public List<string> Infos { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (this)
            {
                (logLevel >= LogLevel.Warning ? Warnings : Infos).Add(formatter(state, exception));
            }
        }
    }
}
