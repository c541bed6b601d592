using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Pipeline;

[Collection(TinyModelsCollection.Name)]
public sealed class SpeechStreamingTests(TinyModelsFixture fixture)
{
    // EOS never and a cap of 100 frames: many vocoder chunks (first chunk 1 frame, then 4). EOS never also keeps the text
    // one utterance: it is never split into sentence chunks (SynthesisLoop.RunTextAsync).
    private static readonly SynthesisRequest LongRequest =
        new(string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 12)), "english", Seed: 5)
        {
            Eos = new EosOptions(MaxFrames: 100),
            EosMode = EosMode.Never,
        };

    [Fact]
    public async Task StreamYieldsAudioBeforeTheLastChunkAndMatchesSynthesize()
    {
        var synthesizer = new SpeechSynthesizer(fixture.Models);
        var chunks = new List<AudioChunk>();
        await foreach (var chunk in synthesizer.StreamAsync(LongRequest))
        {
            chunks.Add(chunk.ToOwned());
        }
        var whole = await synthesizer.SynthesizeAsync(LongRequest);

        Assert.True(whole.Frames > 40, $"the utterance has only {whole.Frames} frames");
        Assert.True(chunks[^1].IsLast);
        Assert.DoesNotContain(chunks[..^1], c => c.IsLast);
        var early = chunks[..^1].Where(c => !c.Samples.IsEmpty).ToList();
        Assert.NotEmpty(early);
        Assert.True(early[0].FramesSoFar < whole.Frames, "the first audio arrived only after the last frame");
        Assert.Equal(whole.Samples, chunks.SelectMany(c => c.Samples.ToArray()).ToArray());
        // The first audio is the first frame, yielded right after that frame was generated.
        Assert.Equal(1, early[0].FramesSoFar);
        Assert.Equal(1920, early[0].Samples.Length);
    }

    [Fact]
    public async Task TheOnnxWindowVocoderStillStreamsTheSameLengthAfterItsFirstChunk()
    {
        var options = new Inference.Vocoder.VocoderOptions { Engine = Inference.Vocoder.VocoderEngine.Onnx };
        using var models = LocalTtsModels.Load(fixture.Store(), vocoderOptions: options);
        var chunks = new List<AudioChunk>();
        await foreach (var chunk in new SpeechSynthesizer(models).StreamAsync(LongRequest))
        {
            chunks.Add(chunk.ToOwned());
        }

        var first = chunks.First(c => !c.Samples.IsEmpty);
        Assert.True(first.FramesSoFar >= 40, $"the ONNX window gave audio after {first.FramesSoFar} frames");
        Assert.Equal(chunks[^1].FramesSoFar * 1920, chunks.Sum(c => c.Samples.Length));
    }

    [Fact]
    public async Task FourConcurrentRequestsEachEqualTheirSequentialResult()
    {
        var synthesizer = new SpeechSynthesizer(fixture.Models);
        var requests = Enumerable.Range(0, 4)
            .Select(i => new SynthesisRequest($"Sentence number {i} is spoken here.", "english", Seed: (ulong)(100 + i)))
            .ToArray();
        var sequential = new List<SynthesisResult>();
        foreach (var request in requests)
        {
            sequential.Add(await synthesizer.SynthesizeAsync(request));
        }

        var batchedBefore = fixture.Models.PredictorQueue.FramesBatched;
        var concurrent = await Task.WhenAll(requests.Select(r => Task.Run(() => synthesizer.SynthesizeAsync(r))));

        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(sequential[i].Samples, concurrent[i].Samples);
        }
        // The talker batches the four requests' steps, so their predictor frames arrive together and batch too.
        Assert.True(fixture.Models.PredictorQueue.FramesBatched > batchedBefore, "no predictor frames of the concurrent requests ran batched");
    }
}
