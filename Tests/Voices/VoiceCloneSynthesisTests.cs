using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Voices;

public sealed class VoiceCloneSynthesisTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>
{
    [Fact]
    public async Task AVoiceReferenceChangesTheAudioAndStaysReproducible()
    {
        var synthesizer = new SpeechSynthesizer(fixture.Models);
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
        var synthesizer = new SpeechSynthesizer(fixture.Models);
        var voice = new VoiceReference(new long[2 * 16], "two frames");

        var result = await synthesizer.SynthesizeAsync(new SynthesisRequest("A somewhat longer sentence to speak.", Voice: voice, Seed: 9, Layout: PromptLayout.StreamingText));

        Assert.True(result.Frames > 0);
        Assert.All(result.Samples, s => Assert.InRange(s, -1f, 1f));
    }
}
