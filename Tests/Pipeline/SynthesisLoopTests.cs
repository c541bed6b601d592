using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Pipeline;

public sealed class SynthesisLoopTests
{
    private const int Eos = CodecTokenIds.Eos;

    private static readonly SynthesisRequest Request = new("text", Seed: 3);

    private static async Task<List<AudioChunk>> RunAsync(
        ITalkerChannel talker, IPredictorChannel predictor, IVocoderChannel vocoder, SynthesisRequest? request = null, CancellationToken ct = default)
    {
        var chunks = new List<AudioChunk>();
        await foreach (var chunk in SynthesisLoop.RunOwningAsync(request ?? Request, talker, predictor, vocoder, ct))
        {
            chunks.Add(chunk.ToOwned());
        }
        return chunks;
    }

    [Fact]
    public async Task EosBeforeAnyFrameIsASynthesisError()
    {
        var vocoder = new RecordingVocoder(0);
        var error = await Assert.ThrowsAsync<SynthesisException>(() => RunAsync(new ScriptedTalker(10, Eos), new RecordingPredictor(), vocoder));
        Assert.Contains("before producing any audio frame", error.Message);
        Assert.Empty(vocoder.Frames);
    }

    [Fact]
    public async Task NeverEndingTalkerIsStoppedAtTheForcedFrameCount()
    {
        // Expected 10 frames, ForceRatio 1.5: frames 0..14 are generated, the 16th is not.
        var talker = new ScriptedTalker(10, 100);
        var predictor = new RecordingPredictor();
        var vocoder = new RecordingVocoder(0);
        var chunks = await RunAsync(talker, predictor, vocoder, Request with { Eos = new EosOptions(ForceRatio: 1.5f), EosMode = EosMode.Seed });

        Assert.Equal(15, predictor.Code0s.Count);
        Assert.Equal(15, vocoder.Frames.Count);
        Assert.Equal(14, talker.Steps);
        var last = Assert.Single(chunks);
        Assert.True(last.IsLast);
        Assert.Equal(15, last.FramesSoFar);
    }

    [Fact]
    public async Task TheOfficialModeHasNoBoostAndNoForcedStopOnlyTheModelsCap()
    {
        // Expected 10 frames would force a stop at 15 under the seed's schedule; the official mode runs on.
        var talker = new ScriptedTalker(10, 100) { DefaultMaxFrames = 40 };
        var predictor = new RecordingPredictor();
        await RunAsync(talker, predictor, new RecordingVocoder(0));

        Assert.Equal(40, predictor.Code0s.Count);
        Assert.All(talker.Boosts, b => Assert.Equal(0f, b));
    }

    [Fact]
    public async Task SeedSamplingBringsTheSeedScheduleUnlessAnEosModeIsGiven()
    {
        var seed = new RecordingPredictor();
        await RunAsync(new ScriptedTalker(10, 100), seed, new RecordingVocoder(0), Request with { Sampling = SamplingPreset.Seed });
        Assert.Equal(15, seed.Code0s.Count);

        var official = new RecordingPredictor();
        await RunAsync(new ScriptedTalker(10, 100) { DefaultMaxFrames = 30 }, official, new RecordingVocoder(0),
            Request with { Sampling = SamplingPreset.Seed, EosMode = EosMode.Official });
        Assert.Equal(30, official.Code0s.Count);
    }

    [Fact]
    public async Task NeverMasksEosAtEveryStepAndRunsToTheCap()
    {
        var talker = new ScriptedTalker(10, 100);
        var predictor = new RecordingPredictor();
        await RunAsync(talker, predictor, new RecordingVocoder(0), Request with { EosMode = EosMode.Never, Eos = new EosOptions(MaxFrames: 9) });

        Assert.Equal(9, predictor.Code0s.Count);
        Assert.Equal(9, talker.Boosts.Count);
        Assert.All(talker.Boosts, b => Assert.Equal(float.NegativeInfinity, b));
    }

    [Fact]
    public async Task TeacherForcingVoicesTheTeacherAndRecordsTheModelsChoices()
    {
        // The model keeps choosing 100 and would stop (EOS) at its fourth step; the teacher has 5 frames.
        var talker = new ScriptedTalker(10, 100, 100, 100, Eos, 100);
        var predictor = new RecordingPredictor();
        var vocoder = new RecordingVocoder(0);
        var teacher = Enumerable.Range(0, 5 * 16).Select(i => (long)(i / 16 * 10 + i % 16)).ToArray();

        var chunks = await RunAsync(talker, predictor, vocoder, Request with { TeacherCodes = teacher, RecordCodes = true });

        Assert.Equal([0, 10, 20, 30, 40], predictor.Code0s);
        Assert.Equal(teacher.Chunk(16).Select(f => f[1..]), predictor.TeacherCodes.Select(t => t!));
        Assert.Equal([0, 10, 20, 30], talker.UsedCode0s);
        var recorded = chunks.SelectMany(c => c.Codes ?? []).Chunk(16).ToArray();
        Assert.Equal(5, recorded.Length);
        Assert.Equal([100L, 100L, 100L, Eos, 100L], recorded.Select(f => f[0]));
        Assert.Equal(5, vocoder.Frames.Count);
    }

    [Fact]
    public async Task TeacherCodesOutOfRangeAreRefusedBeforeTheTalkerStarts()
    {
        var talker = new ScriptedTalker(10, 100);
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            RunAsync(talker, new RecordingPredictor(), new RecordingVocoder(0), Request with { TeacherCodes = [.. new long[15], 2048] }));
        Assert.Contains("frame 0, codebook 15: 2048", error.Message);
        Assert.Empty(talker.Boosts);
    }

    [Fact]
    public async Task MaxFramesCapsEvenWithTheScheduleDisabled()
    {
        var predictor = new RecordingPredictor();
        await RunAsync(new ScriptedTalker(10, 100), predictor, new RecordingVocoder(0), Request with { Eos = new EosOptions(MaxFrames: 7, Enabled: false) });
        Assert.Equal(7, predictor.Code0s.Count);
    }

    [Fact]
    public async Task AFullTalkerContextEndsTheUtteranceInsteadOfFailingIt()
    {
        var talker = new ScriptedTalker(100, 100) { FrameCapacity = 5 };
        var predictor = new RecordingPredictor();

        var chunks = await RunAsync(talker, predictor, new RecordingVocoder(0));

        Assert.Equal(5, predictor.Code0s.Count);
        Assert.Equal(4, talker.Steps);
        Assert.True(chunks[^1].IsLast);
    }

    [Fact]
    public async Task EosCodeReachesNeitherPredictorNorVocoder()
    {
        var predictor = new RecordingPredictor();
        var vocoder = new RecordingVocoder(0);
        var chunks = await RunAsync(new ScriptedTalker(50, 100, 101, 102, Eos), predictor, vocoder);

        Assert.Equal([100, 101, 102], predictor.Code0s);
        Assert.Equal([100L, 101L, 102L], vocoder.Frames.Select(f => f[0]));
        Assert.DoesNotContain(vocoder.Frames, f => f.Contains(Eos));
        Assert.True(vocoder.Flushed);
        Assert.Equal(3, chunks[^1].FramesSoFar);
    }

    [Fact]
    public async Task AClonedVoicePrimesTheVocoderWithItsReferenceCodesAndAPlainOrXVectorOnlyRequestDoesNot()
    {
        var reference = Enumerable.Range(0, 3 * 16).Select(i => (long)(i * 7 % 2048)).ToArray();
        var voice = new Qwen3Tts.Inference.Prompt.VoiceReference(reference, "Some words.");
        var cloned = new RecordingVocoder(0);
        var plain = new RecordingVocoder(0);

        await RunAsync(new ScriptedTalker(50, 100, 101, Eos), new RecordingPredictor(), cloned, Request with { Voice = voice });
        await RunAsync(new ScriptedTalker(50, 100, 101, Eos), new RecordingPredictor(), plain);

        var xVectorOnly = new RecordingVocoder(0);
        await RunAsync(new ScriptedTalker(50, 100, 101, Eos), new RecordingPredictor(), xVectorOnly,
            Request with { Voice = new Qwen3Tts.Inference.Prompt.VoiceReference([], null, new float[8]) });

        Assert.Equal(reference, Assert.Single(cloned.Primed));
        Assert.Equal(2, cloned.Frames.Count);
        Assert.Empty(plain.Primed);
        Assert.Empty(xVectorOnly.Primed);
    }

    [Fact]
    public async Task AudioReturnedOnAppendIsYieldedBeforeTheEnd()
    {
        var talker = new ScriptedTalker(50, 100, 101, 102, 103, Eos);
        var vocoder = new RecordingVocoder(CodecAudio.SamplesPerFrame);
        var stepsAtChunk = new List<int>();
        await foreach (var chunk in SynthesisLoop.RunOwningAsync(Request, talker, new RecordingPredictor(), vocoder))
        {
            stepsAtChunk.Add(talker.Steps);
        }

        // One chunk per frame, each seen before the talker was asked for the next frame, then the flush.
        Assert.Equal([0, 1, 2, 3, 4], stepsAtChunk);
    }

    [Fact]
    public async Task CancellationStopsTheLoopAndDisposesTheChannels()
    {
        using var cancel = new CancellationTokenSource();
        var talker = new ScriptedTalker(1000, 100)
        {
            OnStep = (step, ct) =>
            {
                if (step == 5)
                {
                    cancel.Cancel();
                }
                return Task.CompletedTask;
            },
        };
        var predictor = new RecordingPredictor();
        var vocoder = new RecordingVocoder(CodecAudio.SamplesPerFrame);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            RunAsync(talker, predictor, vocoder, Request with { Eos = new EosOptions(Enabled: false) }, cancel.Token));

        Assert.Equal(5, predictor.Code0s.Count);
        Assert.False(vocoder.Flushed);
        Assert.True(talker.Disposed);
        Assert.True(vocoder.Disposed);
    }

    [Fact]
    public async Task ChannelsAreDisposedWhenTheCallerStopsEnumerating()
    {
        var talker = new ScriptedTalker(1000, 100);
        var vocoder = new RecordingVocoder(CodecAudio.SamplesPerFrame);
        await foreach (var _ in SynthesisLoop.RunOwningAsync(Request, talker, new RecordingPredictor(), vocoder))
        {
            break;
        }
        Assert.True(talker.Disposed);
        Assert.True(vocoder.Disposed);
    }
}
