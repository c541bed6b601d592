using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Tests.Checkpoints;

/// <summary>What a loaded model cannot honour is refused with a message naming what it supports (never ignored).</summary>
[Collection(OfficialTinySetsCollection.Name)]
public sealed class VariantRefusalTests(OfficialTinySets sets)
{
    private static readonly SynthesisRequest Hello = new("Hello.", Seed: 1);

    [Fact]
    public void InstructionsOnBaseNameTheModelsThatTakeThem()
    {
        var error = Refused(sets.Base, Hello with { Instructions = "whisper" });
        Assert.Contains("instructions are not supported by the loaded model (1.7B Base (official snapshot))", error);
        Assert.Contains("1.7B CustomVoice and VoiceDesign", error);
    }

    [Fact]
    public void InstructionsOn06BCustomVoiceAreRefusedWhereTheOfficialWrapperDropsThem()
    {
        var error = Refused(sets.CustomVoice06B, Hello with { Speaker = "ryan", Instructions = "whisper" });
        Assert.Contains("0.6B CustomVoice", error);
    }

    [Fact]
    public void VoiceDesignRequiresInstructions()
    {
        Assert.Contains("designs the voice from instructions", Refused(sets.VoiceDesign, Hello));
        Assert.Contains("designs the voice from instructions", Refused(sets.VoiceDesign, Hello with { Instructions = "  " }));
    }

    [Fact]
    public void AnUnknownSpeakerListsTheModelsSpeakers()
    {
        var error = Refused(sets.CustomVoice, Hello with { Speaker = "bob" });
        Assert.Contains("unknown voice 'bob'", error);
        Assert.Contains("aiden, dylan, eric, ono_anna, ryan, serena, sohee, uncle_fu, vivian", error);
    }

    [Fact]
    public void ASpeakerOnBaseIsRefused()
    {
        Assert.Contains("has no built-in speakers", Refused(sets.Base, Hello with { Speaker = "ryan" }));
    }

    [Fact]
    public void CloningOnCustomVoiceIsRefusedNamingItsVoices()
    {
        var voice = new VoiceReference(new long[32], "two frames");
        var error = Refused(sets.CustomVoice, Hello with { Voice = voice });
        Assert.Contains("voice cloning (a voice profile) needs a Base model", error);
        Assert.Contains("ryan", error);
    }

    [Fact]
    public void IclWithoutReferenceTextIsRefusedAsTheOfficialWrapperRefusesIt()
    {
        var error = Refused(sets.Base, Hello with { Voice = new VoiceReference(new long[32], null) });
        Assert.Contains("no ref_text", error);
        Assert.Contains("speaker_embedding", error);
    }

    [Fact]
    public void SpeakerNamesMatchCaseInsensitivelyAndCustomVoiceHasADefault()
    {
        var engine = sets.Models(sets.CustomVoice).Talker;
        var ryan = TalkerUtterance.BuildPrompt(engine, Hello with { Speaker = "Ryan" });
        var lower = TalkerUtterance.BuildPrompt(engine, Hello with { Speaker = "ryan" });
        Assert.Equal(lower.Rows.ToArray(), ryan.Rows.ToArray());
        var defaulted = TalkerUtterance.BuildPrompt(engine, Hello);
        var aiden = TalkerUtterance.BuildPrompt(engine, Hello with { Speaker = "aiden" });
        Assert.Equal(aiden.Rows.ToArray(), defaulted.Rows.ToArray());
    }

    private string Refused(string set, SynthesisRequest request) =>
        Assert.Throws<ArgumentException>(() => TalkerUtterance.BuildPrompt(sets.Models(set).Talker, request)).Message;
}
