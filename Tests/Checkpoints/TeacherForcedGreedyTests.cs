using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Checkpoints;

/// <summary>
/// The engine with --quant f32 and --sampling greedy, teacher-forced on the reference's own codes, makes the
/// reference's greedy decision at every one of 16 frames x 16 codes, except at near-ties (top-2 logit gap under
/// <see cref="NearTie.Margin"/>), which are counted. Teacher forcing keeps one fork from changing every later
/// decision, so each decision is compared given the same history.
/// </summary>
[Collection(OfficialTinySetsCollection.Name)]
public sealed class TeacherForcedGreedyTests(OfficialTinySets sets)
{
    private const int Frames = 16;

    public static TheoryData<string> Modes => new()
    {
        "base auto non-streaming",
        "base english streaming",
        "custom-voice dylan chinese (beijing dialect)",
        "custom-voice vivian with instructions",
        "custom-voice-0b6 serena",
        "voice-design with instructions",
        "base x-vector only",
        "base icl streaming, text longer than the reference",
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task EveryGreedyDecisionEqualsTheReferenceExceptAtNearTies(string mode)
    {
        var (set, request, reference) = OfficialPromptTests.Case(sets, mode);
        var oracle = sets.Oracle(set);
        var teacher = oracle.Greedy(reference, Frames, maskEos: true).Select(f => f.Codes).ToArray();
        Assert.Equal(Frames, teacher.Length);
        var expected = oracle.Greedy(reference, Frames, teacher);

        var synthesizer = new SpeechSynthesizer(sets.Models(set, WeightPrecision.F32));
        var recorded = new List<long>();
        await foreach (var chunk in synthesizer.StreamAsync(request with
        {
            Sampling = SamplingPreset.Greedy,
            TeacherCodes = teacher.SelectMany(f => f).ToArray(),
            RecordCodes = true,
        }))
        {
            recorded.AddRange(chunk.Codes ?? []);
        }

        Assert.Equal(Frames * 16, recorded.Count);
        var nearTies = 0;
        var differences = new List<string>();
        for (var f = 0; f < Frames; f++)
        {
            for (var k = 0; k < 16; k++)
            {
                var want = expected[f].Decisions[k];
                if (want.Margin < NearTie.Margin)
                {
                    nearTies++;
                }
                var got = recorded[f * 16 + k];
                if (got != want.Code && want.Margin >= NearTie.Margin)
                {
                    differences.Add($"frame {f} code {k}: engine {got}, reference {want.Code} (margin {want.Margin:E2})");
                }
            }
        }
        Assert.True(differences.Count == 0, string.Join("; ", differences));
        // Random weights give few exact near-ties; many would mean the margin hides real differences.
        Assert.True(nearTies <= 8, $"{nearTies} near-ties in {Frames * 16} decisions");
    }

    [Fact]
    public async Task TheTeachersFramesAreWhatIsVoiced()
    {
        var (set, request, reference) = OfficialPromptTests.Case(sets, "custom-voice-0b6 serena");
        var teacher = sets.Oracle(set).Greedy(reference, 4, maskEos: true).SelectMany(f => f.Codes).ToArray();
        var synthesizer = new SpeechSynthesizer(sets.Models(set, WeightPrecision.F32));
        var forced = await synthesizer.SynthesizeAsync(request with { TeacherCodes = teacher, Sampling = SamplingPreset.Greedy });
        var again = await synthesizer.SynthesizeAsync(request with { TeacherCodes = teacher, Sampling = SamplingPreset.Official, Seed = 99 });
        Assert.Equal(4, forced.Frames);
        // The audio comes from the teacher's codes alone, whatever the sampling.
        Assert.Equal(forced.Samples, again.Samples);
    }
}
