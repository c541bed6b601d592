using Qwen3Tts.Gateway;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Voices;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>
/// The speech request's voice, instructions and eos against what each released variant honours
/// (<see cref="SpeechRequestValidator.ForModel"/>): a refusal is a 400 naming the field and what the model takes.
/// </summary>
public sealed class SpeechModelRulesTests : IDisposable
{
    private readonly string _voices = Directory.CreateTempSubdirectory("qwen3-tts-rules-").FullName;
    private readonly SpeechRequestValidator _validator;

    public SpeechModelRulesTests()
    {
        var frames = string.Join(",", Enumerable.Range(0, 2).Select(f => "[" + string.Join(",", Enumerable.Range(0, 16).Select(k => f + k)) + "]"));
        File.WriteAllText(Path.Combine(_voices, "narrator.json"), $$"""{"ref_text": "Reference words", "codec_tokens": [{{frames}}]}""");
        File.WriteAllText(Path.Combine(_voices, "codes-only.json"), $$"""{"codec_tokens": [{{frames}}]}""");
        _validator = new SpeechRequestValidator(new GatewayOptions(), new VoiceLibrary(_voices), new Inference.Audio.Encoders.AudioEncoderOptions());
    }

    private static ModelCapabilities Model(ModelVariant variant, string size = "1b7") =>
        ModelCapabilities.For(ModelSetLayout.Official, variant, size, variant == ModelVariant.CustomVoice
            ? TtsModelIds.Published with { Speakers = TtsModelIds.PublishedSpeakers, SpeakerDialects = TtsModelIds.PublishedSpeakerDialects }
            : TtsModelIds.Published);

    private ValidatedSpeech Check(ModelCapabilities model, string? voice = null, string? instructions = null, string? eos = null) =>
        _validator.ForModel(_validator.Validate(new SpeechRequest { Model = "tts-1", Input = "Hello.", Voice = voice, Instructions = instructions, Eos = eos }), model);

    private OpenAiErrorException Refused(ModelCapabilities model, string? voice = null, string? instructions = null, string? eos = null) =>
        Assert.Throws<OpenAiErrorException>(() => Check(model, voice, instructions, eos));

    [Fact]
    public void ACustomVoiceSpeakerIsAVoiceNameInAnyCaseAndInstructionsPassOn1b7()
    {
        var speech = Check(Model(ModelVariant.CustomVoice), voice: "Ryan", instructions: "  cheerful, fast  ");

        Assert.Equal("ryan", speech.Request.Speaker);
        Assert.Null(speech.Request.Voice);
        Assert.Equal("cheerful, fast", speech.Request.Instructions);
    }

    [Fact]
    public void AnUnknownVoiceOnCustomVoiceListsItsSpeakers()
    {
        var error = Refused(Model(ModelVariant.CustomVoice), voice: "zork");

        Assert.Equal(("voice", 400), (error.Body.Error.Param, error.StatusCode));
        Assert.Contains("unknown voice 'zork'", error.Message);
        Assert.Contains("ryan", error.Message);
    }

    [Fact]
    public void ALibraryVoiceOnCustomVoiceNeedsABaseModel()
    {
        var error = Refused(Model(ModelVariant.CustomVoice), voice: "narrator");

        Assert.Equal("voice", error.Body.Error.Param);
        Assert.Contains("needs a Base model", error.Message);
    }

    [Fact]
    public void VoiceDesignRequiresInstructions()
    {
        var error = Refused(Model(ModelVariant.VoiceDesign));

        Assert.Equal(("instructions", 400), (error.Body.Error.Param, error.StatusCode));
        Assert.Contains("designs the voice from instructions", error.Message);
        Assert.Equal("a deep, slow voice", Check(Model(ModelVariant.VoiceDesign), instructions: "a deep, slow voice").Request.Instructions);
    }

    [Theory]
    [InlineData(ModelVariant.Base, "1b7")]
    [InlineData(ModelVariant.CustomVoice, "0b6")]
    public void InstructionsAreRefusedWhereTheModelTakesNone(ModelVariant variant, string size)
    {
        var error = Refused(Model(variant, size), instructions: "whisper");

        Assert.Equal("instructions", error.Body.Error.Param);
        Assert.Contains("taken by 1.7B CustomVoice and VoiceDesign models", error.Message);
    }

    [Fact]
    public void BaseClonesLibraryVoicesAndRefusesCodesWithoutTheirText()
    {
        var speech = Check(Model(ModelVariant.Base), voice: "narrator");
        var error = Refused(Model(ModelVariant.Base), voice: "codes-only");
        var unknown = Refused(Model(ModelVariant.Base), voice: "ryan");

        Assert.NotNull(speech.Request.Voice);
        Assert.Null(speech.Request.Speaker);
        Assert.Equal("voice", error.Body.Error.Param);
        Assert.Contains("no ref_text", error.Message);
        Assert.Equal("voice", unknown.Body.Error.Param);
        Assert.Contains("available: default, codes-only, narrator", unknown.Message);
    }

    [Fact]
    public void EosIsOneOfTheThreeModes()
    {
        Assert.Equal("Never", Check(Model(ModelVariant.Base), eos: "never").Request.Eos);
        Assert.Null(Check(Model(ModelVariant.Base)).Request.Eos);
        var error = Assert.Throws<OpenAiErrorException>(() => _validator.Validate(new SpeechRequest { Model = "tts-1", Input = "Hi", Eos = "sometimes" }));

        Assert.Equal("eos", error.Body.Error.Param);
        Assert.Contains("official, seed, never", error.Message);
    }

    public void Dispose() => Directory.Delete(_voices, recursive: true);
}
