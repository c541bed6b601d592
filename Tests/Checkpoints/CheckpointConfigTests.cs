using System.Text.Json.Nodes;
using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Tests.Checkpoints;

[Collection(OfficialTinySetsCollection.Name)]
public sealed class CheckpointConfigTests(OfficialTinySets sets)
{
    [Fact]
    public void TheConfigGivesTalkerAndPredictorSeparatelyAndEveryPublishedId()
    {
        var config = CheckpointConfigReader.Read(Path.Combine(sets.CustomVoice, "config.json"));

        Assert.Equal(ModelVariant.CustomVoice, config.Variant);
        Assert.Equal("1b7", config.SizeTag);
        Assert.Equal((2, 64, 4, 2, 16, 128), (config.Talker.LayerCount, config.Talker.HiddenSize, config.Talker.HeadCount, config.Talker.KeyValueHeadCount, config.Talker.HeadDim, config.Talker.FeedForwardSize));
        Assert.Equal((2, 32, 64), (config.Predictor.LayerCount, config.Predictor.HiddenSize, config.Predictor.FeedForwardSize));
        Assert.True(config.HasInputProjection);
        Assert.Equal(16, config.TextHiddenSize);
        var ids = config.Ids;
        var published = TtsModelIds.Published;
        Assert.Equal(
            (published.ImStart, published.ImEnd, published.Assistant, published.TtsPad, published.TtsBos, published.TtsEos, published.TextVocabSize),
            (ids.ImStart, ids.ImEnd, ids.Assistant, ids.TtsPad, ids.TtsBos, ids.TtsEos, ids.TextVocabSize));
        Assert.Equal(
            (2148, 2149, 2150, 2154, 2155, 2156, 2157, 3072),
            (ids.CodecPad, ids.CodecBos, ids.CodecEos, ids.CodecThink, ids.CodecNoThink, ids.CodecThinkBos, ids.CodecThinkEos, ids.TalkerVocabSize));
        Assert.Equal(2050, ids.Languages["english"]);
        Assert.Equal(2074, ids.Languages["beijing_dialect"]);
        Assert.Equal(3061, ids.Speakers["ryan"]);
        Assert.Equal("sichuan_dialect", ids.SpeakerDialects["eric"]);
        Assert.Null(ids.SpeakerDialects["vivian"]);
        Assert.DoesNotContain(ids.UserLanguages, l => l.Contains("dialect", StringComparison.Ordinal));
        Assert.Equal("auto", ids.UserLanguages[0]);
    }

    [Fact]
    public void EachVariantHasItsCapabilities()
    {
        ModelCapabilities Caps(string dir) => ModelSetLoader.Describe(new ModelStore(new ModelStoreOptions { ModelsDirectory = dir }));

        var baseModel = Caps(sets.Base);
        Assert.Equal((ModelSetLayout.Official, ModelVariant.Base, true, false, false), (baseModel.Layout, baseModel.Variant, baseModel.VoiceCloning, baseModel.AcceptsInstructions, baseModel.RequiresInstructions));
        Assert.Empty(baseModel.Speakers);

        var custom = Caps(sets.CustomVoice);
        Assert.Equal((false, true, false), (custom.VoiceCloning, custom.AcceptsInstructions, custom.RequiresInstructions));
        Assert.Equal(["aiden", "dylan", "eric", "ono_anna", "ryan", "serena", "sohee", "uncle_fu", "vivian"], custom.Speakers);

        // The official wrapper drops instructions for tts_model_size 0b6.
        var custom06 = Caps(sets.CustomVoice06B);
        Assert.Equal(("0.6B", false), (custom06.Size, custom06.AcceptsInstructions));

        var design = Caps(sets.VoiceDesign);
        Assert.Equal((true, true, false), (design.AcceptsInstructions, design.RequiresInstructions, design.VoiceCloning));
        Assert.Equal("1.7B VoiceDesign (official snapshot)", design.Description);

        Assert.Equal(ModelSetLayout.Seed, ModelCapabilities.Seed.Layout);
    }

    [Fact]
    public void AMissingKeyIsNamedWithItsPath()
    {
        var error = Assert.Throws<ModelFormatException>(() => OpenEdited(sets.Base, c => c["talker_config"]!["code_predictor_config"]!.AsObject().Remove("hidden_size")));
        Assert.Contains("config.json", error.Message);
        Assert.Contains("talker_config.code_predictor_config.hidden_size: is missing", error.Message);
    }

    [Theory]
    [InlineData("talker_config.vocab_size", 4096, "talker.model.codec_embedding.weight", "[3072, 64]")]
    [InlineData("talker_config.hidden_size", 128, "talker.model.codec_embedding.weight", "[3072, 128]")]
    [InlineData("talker_config.code_predictor_config.hidden_size", 64, "talker.code_predictor.model.layers.0.input_layernorm.weight", "code_predictor_config: hidden_size 64")]
    [InlineData("talker_config.text_hidden_size", 32, "talker.model.text_embedding.weight", "[151936, 32]")]
    public void ConfigDimensionsThatDisagreeWithTheTensorsNameBoth(string key, int value, string tensor, string detail)
    {
        var error = Assert.Throws<ModelFormatException>(() => OpenEdited(sets.Base, c => Set(c, key, value)));
        Assert.Contains(tensor, error.Message);
        Assert.Contains(detail, error.Message);
    }

    [Theory]
    [InlineData("talker_config.codec_eos_token_id", 5000, "= 5000 lies outside the 3072 rows of talker.model.codec_embedding.weight")]
    [InlineData("talker_config.codec_language_id.english", 7, "is a codebook-0 audio code")]
    [InlineData("talker_config.spk_id.ryan", 3072, "= 3072 lies outside the 3072 rows")]
    [InlineData("tts_pad_token_id", 200000, "lies outside the 151936 rows of talker.model.text_embedding.weight")]
    public void IdsThatDisagreeWithTheTablesNameTheKeyAndTheTensor(string key, int value, string detail)
    {
        var error = Assert.Throws<ModelFormatException>(() => OpenEdited(sets.CustomVoice, c => Set(c, key, value)));
        Assert.Contains(key, error.Message);
        Assert.Contains(detail, error.Message);
    }

    [Fact]
    public void ADialectThatIsNoLanguageIsRefused()
    {
        var error = Assert.Throws<ModelFormatException>(() => OpenEdited(sets.CustomVoice, c => c["talker_config"]!["spk_is_dialect"]!["eric"] = "klingon_dialect"));
        Assert.Contains("talker_config.spk_is_dialect", error.Message);
        Assert.Contains("klingon_dialect", error.Message);
    }

    [Fact]
    public void AnUnknownModelTypeIsRefused()
    {
        var error = Assert.Throws<ModelFormatException>(() => OpenEdited(sets.Base, c => c["tts_model_type"] = "dialogue"));
        Assert.Contains("tts_model_type: 'dialogue' is not one of base, custom_voice, voice_design", error.Message);
    }

    [Fact]
    public void GenerationDefaultsComeFromGenerationConfig()
    {
        var defaults = GenerationDefaults.Read(Path.Combine(sets.Base, "generation_config.json"));
        Assert.Equal((0.9f, 50, 1.0f, 1.05f, true), (defaults.Talker.Temperature, defaults.Talker.TopK, defaults.Talker.TopP, defaults.Talker.RepetitionPenalty, defaults.Talker.DoSample));
        Assert.Equal(2, defaults.Talker.MinNewTokens);
        Assert.Equal((0.9f, 50, 1f), (defaults.Predictor.Temperature, defaults.Predictor.TopK, defaults.Predictor.RepetitionPenalty));
        Assert.Equal((8192, 8191), (defaults.MaxNewTokens, defaults.DefaultMaxFrames));
    }

    /// <summary>Opens a copy of the set whose config.json was edited.</summary>
    private OfficialCheckpoint OpenEdited(string set, Action<JsonNode> edit)
    {
        var copy = sets.Copy(set, "edited");
        var path = Path.Combine(copy, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
        using var checkpoint = OfficialCheckpoint.Open(new ModelStore(new ModelStoreOptions { ModelsDirectory = copy }).ResolveOfficial());
        return checkpoint;
    }

    private static void Set(JsonNode root, string dottedKey, int value)
    {
        var parts = dottedKey.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            node = node[part]!;
        }
        node[parts[^1]] = value;
    }
}
