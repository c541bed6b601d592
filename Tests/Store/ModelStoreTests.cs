using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Tests.Store;

public sealed class ModelStoreTests : IDisposable
{
    private static readonly string[] TalkerEmbeddings =
    [
        "text_embedding", "text_projection_linear_fc1_weight", "text_projection_linear_fc1_bias",
        "text_projection_linear_fc2_weight", "text_projection_linear_fc2_bias", "codec_embedding", "codec_head",
    ];

    private readonly TempDirectory models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public void ResolvesACompleteTalkerTreeAsPulled()
    {
        foreach (var repoPath in ModelManifest.FilesFor(ModelRole.Talker, PredictorQuant.Q8_0))
        {
            models.Touch(repoPath);
        }

        var talker = Store().ResolveTalker();

        Assert.Equal(models.Combine("talker"), talker.Directory);
        Assert.Equal(models.Combine("talker/talker-q8_0.gguf"), talker.Gguf);
        Assert.Equal(models.Combine("talker/tokenizer.json"), talker.Tokenizer);
        Assert.Equal(models.Combine("talker/embeddings/text_embedding.npy"), talker.TextEmbedding);
        Assert.Equal(models.Combine("talker/embeddings/text_projection_linear_fc2_bias.npy"), talker.TextProjectionFc2Bias);
        Assert.Equal(models.Combine("talker/embeddings/codec_head.npy"), talker.CodecHead);
        Assert.Equal(models.Combine("talker/embeddings/tts_pad_embed.npy"), talker.TtsPadEmbedding);
        Assert.Equal(models.Combine("predictor/code_predictor/code_predictor_weights.npz"), talker.CodePredictorWeightsNpz);
    }

    [Fact]
    public void PrefersTalkerGgufOverQuantisedNamesAndFallsBackToNestedTokenizer()
    {
        CreateTalkerEmbeddings();
        models.Touch("talker/talker-q8_0.gguf");
        models.Touch("talker/talker.gguf");
        models.Touch("talker/tokenizer/tokenizer.json");

        var talker = Store().ResolveTalker();

        Assert.Equal(models.Combine("talker/talker.gguf"), talker.Gguf);
        Assert.Equal(models.Combine("talker/tokenizer/tokenizer.json"), talker.Tokenizer);
        Assert.Null(talker.TtsPadEmbedding);
        Assert.Null(talker.CodePredictorWeightsNpz);
    }

    [Fact]
    public void PrefersQ4TalkerOverQ8WhenBothPresent()
    {
        CreateTalkerEmbeddings();
        models.Touch("talker/talker-q8_0.gguf");
        models.Touch("talker/talker-q4_0.gguf");
        models.Touch("talker/tokenizer.json");

        Assert.Equal(models.Combine("talker/talker-q4_0.gguf"), Store().ResolveTalker().Gguf);
    }

    [Fact]
    public void FindsCodePredictorWeightsInTheNestedPredictorLayout()
    {
        CreateTalkerEmbeddings();
        models.Touch("talker/talker-q8_0.gguf");
        models.Touch("talker/tokenizer.json");
        models.Touch("predictor/predictor/code_predictor/code_predictor_weights.npz");

        Assert.Equal(models.Combine("predictor/predictor/code_predictor/code_predictor_weights.npz"), Store().ResolveTalker().CodePredictorWeightsNpz);
    }

    [Theory]
    [InlineData(PredictorQuant.Q8_0, "code-predictor-q8_0.gguf")]
    [InlineData(PredictorQuant.Q4_0, "code-predictor-q4_0.gguf")]
    public void PredictorGgufFollowsTheRequestedQuant(PredictorQuant quant, string expected)
    {
        models.Touch("predictor/code_predictor/code-predictor-q8_0.gguf");
        models.Touch("predictor/code_predictor/code-predictor-q4_0.gguf");
        models.Touch("predictor/code_predictor/qwen3-tts-0.6b-f16.gguf");
        models.Touch("predictor/embeddings/codec_embedding.npy");

        var predictor = Store(quant).ResolvePredictor();

        Assert.Equal(models.Combine("predictor/code_predictor/" + expected), predictor.Gguf);
        Assert.Equal(models.Combine("predictor/embeddings/codec_embedding.npy"), predictor.CodecEmbedding);
        Assert.Null(predictor.TtsPadEmbedding);
    }

    [Fact]
    public void PredictorFallsBackToTheOtherQuantAndThenTheFullGguf()
    {
        models.Touch("predictor/embeddings/codec_embedding.npy");
        models.Touch("predictor/code_predictor/qwen3-tts-0.6b-f16.gguf");
        Assert.EndsWith("qwen3-tts-0.6b-f16.gguf", Store(PredictorQuant.Q4_0).ResolvePredictor().Gguf);

        models.Touch("predictor/code_predictor/code-predictor-q8_0.gguf");
        Assert.EndsWith("code-predictor-q8_0.gguf", Store(PredictorQuant.Q4_0).ResolvePredictor().Gguf);
    }

    [Fact]
    public void VocoderTakesTheFirstOnnxOfTheSearchOrder()
    {
        models.Touch("vocoder/vocoder_256.onnx");
        Assert.Equal(models.Combine("vocoder/vocoder_256.onnx"), Store().ResolveVocoder(VocoderEngine.Onnx).Onnx);

        models.Touch("vocoder/vocoder_64.onnx");
        Assert.Equal(models.Combine("vocoder/vocoder_64.onnx"), Store().ResolveVocoder(VocoderEngine.Onnx).Onnx);
    }

    [Fact]
    public void TheDefaultVocoderIsTheSpeechTokenizersDecoderAndItsFixMentionsTheOnnxFallback()
    {
        models.Touch("vocoder/vocoder.onnx");

        var error = Assert.Throws<ModelFilesMissingException>(() => Store().ResolveVocoder());

        Assert.Equal(ModelRole.Vocoder, error.Role);
        Assert.Contains(models.Combine("speech_tokenizer/model.safetensors"), error.Message);
        Assert.Contains("qwen3-tts models pull --role vocoder --models", error.Message);
        Assert.Contains("--vocoder onnx", error.Message);

        models.Touch("speech_tokenizer/model.safetensors");
        var files = Store().ResolveVocoder();
        Assert.Equal((VocoderEngine.Native, models.Combine("speech_tokenizer/model.safetensors")), (files.Engine, files.Path));
        Assert.Contains("speech_tokenizer/model.safetensors", ModelManifest.FilesFor(ModelRole.Vocoder, PredictorQuant.Q8_0));
        Assert.Equal(["vocoder/vocoder.onnx"], ModelManifest.FilesFor(ModelRole.Vocoder, PredictorQuant.Q8_0, VocoderEngine.Onnx));
    }

    [Fact]
    public void MissingTalkerFilesAreAllListedWithPathsTriedAndTheFix()
    {
        models.Touch("talker/embeddings/text_embedding.npy");

        var error = Assert.Throws<ModelFilesMissingException>(() => Store().ResolveTalker());

        Assert.Equal(ModelRole.Talker, error.Role);
        Assert.Contains($"The talker model files are incomplete in {models.Path}", error.Message);
        Assert.Contains("8 required files are missing", error.Message);
        Assert.Contains(
            $"talker GGUF: tried {models.Combine("talker/talker.gguf")}, {models.Combine("talker/talker-q4_0.gguf")}, {models.Combine("talker/talker-q8_0.gguf")}",
            error.Message);
        Assert.Contains($"tokenizer: tried {models.Combine("talker/tokenizer.json")}, {models.Combine("talker/tokenizer/tokenizer.json")}", error.Message);
        foreach (var name in TalkerEmbeddings.Skip(1))
        {
            Assert.Contains($"{name}: tried {models.Combine($"talker/embeddings/{name}.npy")}", error.Message);
        }

        Assert.DoesNotContain("text_embedding: tried", error.Message);
        Assert.DoesNotContain("tts_pad_embed", error.Message);
        Assert.Contains($"qwen3-tts models pull --role talker --models {models.Path}", error.Message);
        Assert.Contains("qwen3-tts models synth", error.Message);
    }

    [Fact]
    public void MissingSpeechTokenizerNamesItsRoleAndFile()
    {
        var error = Assert.Throws<ModelFilesMissingException>(() => Store(PredictorQuant.Q4_0).ResolveSpeechTokenizer());

        Assert.Contains("speech-tokenizer model files", error.Message);
        Assert.Contains("1 required file is missing", error.Message);
        Assert.Contains(models.Combine("speech_tokenizer/model.safetensors"), error.Message);
        Assert.Contains("--role speech-tokenizer", error.Message);
    }

    [Fact]
    public void InspectReportsPresenceSizeAndWherePullWouldPutMissingFiles()
    {
        models.Touch("predictor/code_predictor/code-predictor-q4_0.gguf", length: 1234);

        var files = Store().Inspect(ModelRole.Predictor);

        var gguf = files.Single(f => f.Name == ModelLayout.PredictorGguf);
        Assert.True(gguf.Present);
        Assert.Equal(1234, gguf.SizeBytes);
        Assert.Equal(models.Combine("predictor/code_predictor/code-predictor-q4_0.gguf"), gguf.Path);
        var codec = files.Single(f => f.Name == ModelLayout.CodecEmbedding);
        Assert.False(codec.Present);
        Assert.True(codec.Required);
        Assert.Null(codec.SizeBytes);
        Assert.False(Store().IsComplete(ModelRole.Predictor));

        var talkerGguf = Store().Inspect(ModelRole.Talker).Single(f => f.Name == ModelLayout.TalkerGguf);
        Assert.Equal(models.Combine("talker/talker-q8_0.gguf"), talkerGguf.Path);
    }

    [Theory]
    [InlineData(ModelRole.Talker)]
    [InlineData(ModelRole.Predictor)]
    [InlineData(ModelRole.Vocoder)]
    [InlineData(ModelRole.SpeechTokenizer)]
    public void EveryManifestIsEnoughForItsRole(ModelRole role)
    {
        foreach (var quant in new[] { PredictorQuant.Q8_0, PredictorQuant.Q4_0 })
        {
            using var tree = new TempDirectory();
            foreach (var repoPath in ModelManifest.FilesFor(role, quant))
            {
                tree.Touch(repoPath);
            }

            var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = tree.Path, Quant = quant });
            Assert.True(store.IsComplete(role));
            // Every pulled file is one the store actually uses (nothing downloaded for nothing).
            var used = store.Inspect(role).Where(file => file.Present).Select(file => file.Path).ToHashSet();
            Assert.All(ModelManifest.FilesFor(role, quant), repoPath => Assert.Contains(tree.Combine(repoPath), used));
        }
    }

    [Fact]
    public void ManifestDownloadsOnlyThePredictorGgufOfTheChosenQuant()
    {
        var q4 = ModelManifest.FilesFor(ModelRole.Predictor, PredictorQuant.Q4_0);
        Assert.Contains("predictor/code_predictor/code-predictor-q4_0.gguf", q4);
        Assert.DoesNotContain("predictor/code_predictor/code-predictor-q8_0.gguf", q4);
        Assert.DoesNotContain(q4, path => path.EndsWith(".onnx", StringComparison.Ordinal));
        Assert.Contains("predictor/code_predictor/code_predictor_weights.npz", ModelManifest.FilesFor(ModelRole.Talker, PredictorQuant.Q8_0));
    }

    private void CreateTalkerEmbeddings()
    {
        foreach (var name in TalkerEmbeddings)
        {
            models.Touch($"talker/embeddings/{name}.npy");
        }
    }

    private ModelStore Store(PredictorQuant quant = PredictorQuant.Q8_0) =>
        new(new ModelStoreOptions { ModelsDirectory = models.Path, Quant = quant });
}
