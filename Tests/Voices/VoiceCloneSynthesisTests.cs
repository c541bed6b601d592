using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Synthetic;

namespace Qwen3Tts.Tests.Voices;

public sealed class VoiceCloneSynthesisTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"qwen3-clone-{Guid.NewGuid():N}");
    private LocalTtsModels? _models;

    public async Task InitializeAsync()
    {
        await SyntheticModelKit.WriteAsync(_dir, SyntheticPreset.Tiny, seed: 11);
        _models = LocalTtsModels.Load(new ModelStore(new ModelStoreOptions { ModelsDirectory = _dir }));
    }

    [Fact]
    public async Task AVoiceReferenceChangesTheAudioAndStaysReproducible()
    {
        var synthesizer = new SpeechSynthesizer(_models!);
        var codes = Enumerable.Range(0, 6 * 16).Select(i => (long)(i * 37 % 2048)).ToArray();
        var voice = new VoiceReference(codes, "Reference words");
        var plain = new SynthesisRequest("Hello there", "english", Seed: 3);
        var cloned = plain with { Voice = voice };

        var a = await synthesizer.SynthesizeAsync(cloned);
        var b = await synthesizer.SynthesizeAsync(cloned);
        var c = await synthesizer.SynthesizeAsync(plain);

        Assert.True(a.Frames > 0);
        Assert.Equal(a.Frames * 1920, a.Samples.Length);
        Assert.Equal(a.Samples, b.Samples);
        Assert.NotEqual(c.Samples, a.Samples);
    }

    [Fact]
    public async Task StreamingTextLayoutWithAVoiceAlsoSynthesizes()
    {
        var synthesizer = new SpeechSynthesizer(_models!);
        var voice = new VoiceReference(new long[2 * 16], null);

        var result = await synthesizer.SynthesizeAsync(new SynthesisRequest("A somewhat longer sentence to speak.", Voice: voice, Seed: 9, Layout: PromptLayout.StreamingText));

        Assert.True(result.Frames > 0);
        Assert.All(result.Samples, s => Assert.InRange(s, -1f, 1f));
    }

    public Task DisposeAsync()
    {
        _models?.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}
