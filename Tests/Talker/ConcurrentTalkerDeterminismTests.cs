using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Talker;

/// <summary>
/// Concurrent requests share the talker's decodes (their steps are coalesced into one llama.cpp
/// batch); each must still get exactly the audio it gets alone, or seeds would stop reproducing.
/// </summary>
public sealed class ConcurrentTalkerDeterminismTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>
{
    [Fact]
    public async Task FourConcurrentRequestsEachMatchTheirSequentialResult()
    {
        var synthesizer = new SpeechSynthesizer(fixture.Models);
        var requests = new[]
        {
            new SynthesisRequest("First sentence to say.", "english", Seed: 1),
            new SynthesisRequest("第二个句子。", "chinese", Seed: 2),
            new SynthesisRequest("A third, somewhat longer sentence for the talker.", Seed: 3),
            new SynthesisRequest("Four.", Seed: 4),
        };
        var sequential = new List<float[]>();
        foreach (var request in requests)
        {
            sequential.Add((await synthesizer.SynthesizeAsync(request)).Samples);
        }

        var concurrent = await Task.WhenAll(requests.Select(r => Task.Run(() => synthesizer.SynthesizeAsync(r))));

        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(sequential[i], concurrent[i].Samples);
        }
        Assert.True(fixture.Models.Talker.Model.DecodedItems > fixture.Models.Talker.Model.Decodes,
            $"expected some decodes to carry several requests: {fixture.Models.Talker.Model.DecodedItems} items in {fixture.Models.Talker.Model.Decodes} decodes");
    }
}
