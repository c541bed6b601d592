using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Synthetic;

namespace Qwen3Tts.Tests.Talker;

/// <summary>
/// Concurrent requests share the talker's decodes (their steps are coalesced into one llama.cpp
/// batch); each must still get exactly the audio it gets alone, or seeds would stop reproducing.
/// </summary>
public sealed class ConcurrentTalkerDeterminismTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"qwen3-concurrent-{Guid.NewGuid():N}");
    private LocalTtsModels? _models;

    public async Task InitializeAsync()
    {
        await SyntheticModelKit.WriteAsync(_dir, SyntheticPreset.Tiny, seed: 21);
        _models = LocalTtsModels.Load(new ModelStore(new ModelStoreOptions { ModelsDirectory = _dir }));
    }

    [Fact]
    public async Task FourConcurrentRequestsEachMatchTheirSequentialResult()
    {
        var synthesizer = new SpeechSynthesizer(_models!);
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
        Assert.True(_models!.Talker.Model.DecodedItems > _models.Talker.Model.Decodes,
            $"expected some decodes to carry several requests: {_models.Talker.Model.DecodedItems} items in {_models.Talker.Model.Decodes} decodes");
    }

    public Task DisposeAsync()
    {
        _models?.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}
