using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Reliability;

/// <summary>
/// The README's promise under load: texts of 900-1,800 characters give the same samples, bit for bit, whether they
/// are synthesized alone or while others are (started at different moments, so prefills meet other requests' steps).
/// The unit check of the cause is <c>TalkerBatchInvarianceTests</c> (every dotnet test); this end-to-end run, minutes
/// on two cores, belongs to the reliability suite.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class OverlapDeterminismTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>
{
    private static string Text(int characters, string sentence) =>
        string.Concat(Enumerable.Repeat(sentence, characters / sentence.Length + 1))[..characters];

    [ReliabilityFact]
    public async Task LongTextsOverlappingEachOtherGiveTheirAloneSamples()
    {
        using var models = fixture.Load(new Inference.Talker.TalkerOptions { MaxSequences = 4, ContextPerSequence = 4096, Threads = 1 });
        var synthesizer = new SpeechSynthesizer(models);
        var requests = new[]
        {
            new SynthesisRequest(Text(900, "Overlapping requests must not change each other's audio. "), "english", Seed: 11),
            new SynthesisRequest(Text(1300, "A second speaker reads a longer passage at the same time. "), "english", Seed: 12),
            new SynthesisRequest(Text(1800, "And a third one, the longest, starts while both are talking. "), "english", Seed: 13),
            new SynthesisRequest(Text(1100, "A fourth voice joins in, so every sequence of the talker is busy. "), "english", Seed: 14),
        };
        var alone = new List<float[]>();
        foreach (var request in requests)
        {
            alone.Add((await synthesizer.SynthesizeAsync(request)).Samples);
        }

        for (var round = 0; round < 3; round++)
        {
            var overlapping = requests.Select(async (request, i) =>
            {
                await Task.Delay(i * (round + 1) * 150); // starts while the others prefill or step
                return (await synthesizer.SynthesizeAsync(request)).Samples;
            }).ToArray();
            var together = await Task.WhenAll(overlapping);
            for (var i = 0; i < requests.Length; i++)
            {
                Assert.True(alone[i].AsSpan().SequenceEqual(together[i]),
                    $"round {round}: request {i} ({requests[i].Text.Length} characters) gave {together[i].Length} samples differing from its {alone[i].Length} alone");
            }
        }
    }
}
